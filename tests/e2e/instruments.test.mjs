// The city's instruments on the demo server (`gonghui demo --scale small`, fresh: the test signs
// an agreement and completes a park union's 四个到位).
import { test, open, assert, expectText, expectUrl, expectFieldError, setField, loginAs } from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, field names and texts this test relies on.
const SEL = {
  root: '荆州市总工会',
  chairPage: (id) => `/orgs/${id}/chair-agreements`,
  parksPage: (id) => `/orgs/${id}/parks`,
  signedStat: '.stat:has-text("主席已签协议") b',
  missingTotal: 'tfoot a[href$="list=missing#list"]',
  listUnion: '#list td[data-label="基层工会"] a',
  newAgreement: 'form[action$="/chair-agreements"]',
  shortPark: 'tr:has-text("未到位") td[data-label="工会"] a',
  gate: '[data-testid="subsidy-gate"]',
  checkForm: 'form[action$="/four-in-place"]',
  subsidyForm: 'form[action$="/four-in-place/subsidy"]',
  items: ['organization', 'office', 'cadres', 'funds'],
};
// ---------------------------------------------------------------------------------------------

async function submit(page, form) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.locator(form).locator('button.primary').click()]);
}

async function signedCount(page, rootId) {
  await open(page, SEL.chairPage(rootId));
  return Number((await page.locator(SEL.signedStat).first().innerText()).trim());
}

test('城市工作品牌：市总签订工会主席协议后覆盖率即时更新；开发区工会四个到位后才能划拨补助经费', async ({ page }) => {
  await loginAs(page, 'city');
  const found = await (await page.request.get(`/api/v1/search?q=${encodeURIComponent(SEL.root)}`)).json();
  const root = found.orgs.find((o) => o.name === SEL.root);
  assert(root, `${SEL.root} not found by the search API`);

  // 工会主席协议: from the “尚未签协议” number to one union, a refusal beside the field, then signed.
  const before = await signedCount(page, root.id);
  await page.click(SEL.missingTotal);
  await expectText(page.locator('#list h2'), '尚未签订协议的');
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.locator(SEL.listUnion).first().click()]);
  await expectUrl(page, /\/chair-agreements$/);
  // The start defaults to today (after any agreement that ended earlier); the end comes before it.
  const form = page.locator(SEL.newAgreement);
  const start = await form.locator('[name="start_on"]').inputValue();
  assert(/^\d{4}-\d{2}-\d{2}$/.test(start), `the start date is filled in: "${start}"`);
  await setField(form, 'end_on', '2020-01-01');
  await setField(form, 'monthly_allowance', '800');
  await submit(page, SEL.newAgreement);
  await expectFieldError(page, 'end_on', '应晚于起始日期');
  const end = `${Number(start.slice(0, 4)) + 3}${start.slice(4, 8)}01`;
  await setField(page.locator(SEL.newAgreement), 'end_on', end);
  await submit(page, SEL.newAgreement);
  await expectText(page.locator('.alert.ok'), '工会主席协议已登记');
  await expectText(page.locator('body'), '履行中');
  const after = await signedCount(page, root.id);
  assert(after === before + 1, `signed agreements should go from ${before} to ${before + 1}, shown ${after}`);

  // 四个到位: the subsidy is refused until all four are in place.
  await open(page, SEL.parksPage(root.id));
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.locator(SEL.shortPark).first().click()]);
  await expectText(page.locator(SEL.gate), '四个到位未全部到位的开发区工会不予划拨补助经费');
  assert((await page.locator(SEL.subsidyForm).count()) === 0, 'no subsidy form before all four are in place');
  const check = page.locator(SEL.checkForm);
  for (const item of SEL.items) {
    await check.locator(`[name="in_${item}"]`).check();
  }
  await check.locator('[name="evidence_office"]').fill('');
  await submit(page, SEL.checkForm);
  await expectFieldError(page, 'evidence_office', '请写明依据');
  const again = page.locator(SEL.checkForm);
  await again.locator('[name="evidence_office"]').fill('管委会办公楼3楼，办公室60平方米');
  for (const item of SEL.items) {
    if (!(await again.locator(`[name="evidence_${item}"]`).inputValue()).trim()) {
      await again.locator(`[name="evidence_${item}"]`).fill('已落实，见检查记录');
    }
  }
  await submit(page, SEL.checkForm);
  await expectText(page.locator('.alert.ok'), '检查结果已保存');
  const subsidy = page.locator(SEL.subsidyForm);
  await setField(subsidy, 'amount', '50000');
  await submit(page, SEL.subsidyForm);
  await expectText(page.locator('.alert.ok'), '补助经费划拨已登记');
  await expectText(page.locator('body'), '50000');
});
