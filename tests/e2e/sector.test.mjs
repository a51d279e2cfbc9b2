// 组建行业工会联合会 end to end on the demo server (`gonghui demo --scale small`, fresh: the
// federation formed here may be formed only once under 石首市总工会 — 一行一会).
import {
  test, open, assert, expectText, expectUrl, expectVisible, expectValue, expectFieldError, setField, loginAs,
} from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, field names and texts this test relies on.
const SEL = {
  county: '石首市总工会',
  newPath: (id) => `/orgs/${id}/sector-federations/new`,
  sector: 'auto_repair',                              // 汽车维修 (大类 81)
  next: 'button:has-text("下一步")',
  name: '石首市汽车维修行业工会联合会',
  memberBoxes: 'input[type=checkbox][name^="m_"]',     // one per grassroots union: m_<id>
  rep: (id) => `rep_${id}`,                           // the union's committee member
  src: (id) => `src_${id}`,
  role: (id) => `role_${id}`,
  assoc: (id) => `assoc_${id}`,                       // 兼任行业协会会长或副会长
  submit: 'button[type=submit].primary',
  refusal: /行业协会会长、副会长和企业行政负责人不得担任/,
  sectorPage: /\/orgs\/\d+\/sector(\?|$)/,
};
// ---------------------------------------------------------------------------------------------

async function submit(page) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(SEL.submit)]);
}

test('行业工会联合会：石首市总工会按规则组建汽车维修行业工会联合会，协会会长任副主席被拒绝，改正后组建成功', async ({ page }) => {
  await loginAs(page, 'shishou');
  const found = await (await page.request.get(`/api/v1/search?q=${encodeURIComponent(SEL.county)}`)).json();
  const county = found.orgs.find((o) => o.name === SEL.county);
  assert(county, `${SEL.county} not found by the search API`);

  // Step one: the trade.
  await open(page, SEL.newPath(county.id));
  await expectText(page.locator('h1'), '组建行业工会联合会');
  await setField(page, 'sector', SEL.sector);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(SEL.next)]);
  await expectValue(page.locator('[name="name"]'), SEL.name);
  await expectValue(page.locator('[name="charter_title"]'), `${SEL.name}章程`);

  // Step two: two grassroots unions of 石首, one as chair, the other as vice-chair.
  const boxes = page.locator(SEL.memberBoxes);
  assert((await boxes.count()) >= 2, 'the form should list at least two grassroots unions of 石首');
  const ids = [];
  for (const i of [0, 1]) {
    const name = await boxes.nth(i).getAttribute('name');
    ids.push(name.slice(2));
    await boxes.nth(i).check();
  }
  const reps = [];
  for (const [i, id] of ids.entries()) {
    const rep = page.locator(`[name="${SEL.rep(id)}"]`);
    if (!(await rep.inputValue()).trim()) {
      // No chair on record: the union elects a representative.
      await rep.fill(['王建国', '李秀英'][i]);
      await setField(page, SEL.src(id), 'elected_rep');
    }
    reps.push((await rep.inputValue()).trim());
    await setField(page, SEL.role(id), i === 0 ? 'chair' : 'vice_chair');
  }
  // 经审会 and 女职工委员会 are set up at the same time (their boxes start ticked).
  await setField(page, 'funds_review_head', '张红梅');
  await setField(page, 'women_workers_head', '刘芳');
  // The vice-chair is also president of the trade association: seed 002 forbids it.
  await page.locator(`[name="${SEL.assoc(ids[1])}"]`).check();
  await submit(page);
  await expectFieldError(page, SEL.rep(ids[1]), SEL.refusal);
  // What was typed is kept.
  await expectValue(page.locator('[name="name"]'), SEL.name);
  assert(await page.locator(`[name="m_${ids[0]}"]`).isChecked(), 'the chosen members stay chosen');

  // Another person from that union, who holds no such office.
  await page.locator(`[name="${SEL.assoc(ids[1])}"]`).uncheck();
  await submit(page);
  await expectUrl(page, SEL.sectorPage);
  await expectText(page.locator('h1'), SEL.name);
  await expectText(page, '行业工会联合会已组建');
  await expectText(page, '成员工会与联合会委员（2）');
  for (const r of reps) await expectText(page, r);
  await expectText(page, '经费审查委员会主任：张红梅');
  await expectText(page, '女职工委员会主任：刘芳');
  await expectText(page, '汽车维修');
  await expectVisible(page.locator('a', { hasText: '一行一会规划' }));

  // The plan of 石首 now shows the federation for 汽车维修.
  await page.click('a:has-text("一行一会规划")');
  await expectText(page.locator('h1'), '一行一会规划');
  await expectVisible(page.locator('a', { hasText: SEL.name }));
});
