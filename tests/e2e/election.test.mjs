// 换届选举 in the browser, against the demo server (`gonghui demo --scale small`): staff of
// 石首市总工会 (`shishou`) run one election of a township union under 石首 from start to the new
// term. The township's own steps and the two approvals (上级批复, 批复) are all theirs to do:
// 石首市总工会 is the township's affiliation parent.
import { test, open, assert, expectText, expectUrl, expectVisible, setField, loginAs } from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, selectors and texts this test relies on.
const SEL = {
  county: '石首市总工会',
  termsPath: (id) => `/orgs/${id}/terms`,
  electionPath: (id) => `/orgs/${id}/election`,
  startButton: 'button.primary:has-text("发起换届选举")',
  currentNumber: /第(\d+)届/,
  nextStepForm: '#next-step form',
  nextStepHeading: '#next-step h2',
  submit: 'button.primary[type="submit"]',
  steps: ['提出请示', '上级批复', '选举会员代表', '召开会员（代表）大会', '选举结果报批', '批复', '备案/法人登记变更'],
  started: '换届选举已发起',
  recorded: '已登记，请继续办理下一步',
  completed: '换届选举已完成',
};
// ---------------------------------------------------------------------------------------------

async function api(page, path) {
  const r = await page.request.get(path);
  assert(r.ok(), `${path}: HTTP ${r.status()}`);
  return r.json();
}

test('换届选举：石首市总工会工作人员为下属乡镇工会办完七个步骤，产生新一届任期和领导班子', async ({ page }) => {
  await loginAs(page, 'shishou');
  const county = (await api(page, '/api/v1/search?q=sssz')).orgs.find((o) => o.name === SEL.county);
  assert(county, `${SEL.county} not found`);
  const kids = await api(page, `/api/v1/orgs/${county.id}/children?limit=1000`);
  const candidates = [
    ...kids.filter((k) => k.kind === 'area_federation'),
    ...kids.filter((k) => k.kind === 'grassroots'),
  ];
  // The first union under 石首 with a current term and no election in progress.
  let org;
  for (const k of candidates) {
    await open(page, SEL.termsPath(k.id));
    if (await page.locator(SEL.startButton).count()) { org = k; break; }
  }
  assert(org, 'no township or union under 石首 is ready for an election');
  const current = await page.locator('dl.profile dd').first().textContent();
  const number = Number(current.match(SEL.currentNumber)[1]);

  // Start it (the kind the page proposes: 按期, or 延期 once the term has ended).
  const kind = await page.locator('select[name="kind"]').inputValue();
  await page.locator(SEL.startButton).click();
  await expectUrl(page, SEL.electionPath(org.id));
  await expectText(page.locator('.alert.ok'), SEL.started);

  // Seven steps in order, the next one always the big button; today's date is filled in.
  for (const [i, label] of SEL.steps.entries()) {
    await expectText(page.locator(SEL.nextStepHeading), `下一步：${label}`);
    const form = page.locator(SEL.nextStepForm);
    await expectVisible(form);
    await setField(form, 'person', '石首测试员');
    await setField(form, 'documents', `${label}（石工发〔2026〕${i + 1}号）`);
    if (await form.locator('[name="reason"]').count()) {
      assert(kind !== 'regular', 'a regular election asks for no reason');
      await setField(form, 'reason', '企业改制，经批准延期换届');
    }
    if (label === '召开会员（代表）大会') await setField(form, 'new_years', '5');
    await form.locator(SEL.submit).click();
    await expectText(page.locator('.alert.ok'), i < SEL.steps.length - 1 ? SEL.recorded : SEL.completed);
    // The step just done shows in the table with who approved it.
    await expectText(page.locator('table.steps'), label);
  }
  assert(await page.locator(SEL.nextStepForm).count() === 0, 'no next step after the last one');
  await expectText(page, `新一届：第${number + 1}届`);
  await expectText(page.locator('table.steps'), SEL.county); // the approvals name the parent

  // The newly elected chair and the three committees.
  const officer = page.locator('form[action$="/election/officers"]');
  await setField(officer, 'committee', 'union_committee');
  await setField(officer, 'role', 'chair');
  await setField(officer, 'name', '孙丽华');
  await officer.locator(SEL.submit).click();
  await expectText(page.locator('.alert.ok'), '任职信息已保存');
  await expectText(page, '孙丽华');
  // The committees form is there until all three are recorded for the new term (a rerun on the
  // same day finds them recorded already).
  const committees = page.locator('form[action$="/election/committees"] button[type="submit"]');
  if (await committees.count()) {
    await committees.click();
    await expectText(page.locator('.alert.ok'), '委员会信息已保存');
  }
  await expectText(page, '工会委员会 已组成');

  // The terms page: the new term is current, the old one is history.
  await open(page, SEL.termsPath(org.id));
  await expectText(page.locator('dl.profile').first(), `第${number + 1}届`);
  await expectText(page, `第${number}届`);
  await expectText(page, '已完成');
});
