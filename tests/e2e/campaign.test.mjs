// 达标创建、考核验收 in the browser, against the demo server (`gonghui demo --scale small`): the
// demo chair's union self-assesses on the city's 六有 campaign with photos, 石首市总工会
// (`shishou`, above the union) returns it with a reason, the chair fixes it, the reviewer accepts
// it, the city publishes the 公示 and grants 示范工会; the grade and the campaign progress then
// show on the city's dashboard and the campaign page.
import { test, open, assert, expectText, expectVisible, waitFor, loginAs } from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, selectors and texts this test relies on.
const SEL = {
  inboxLink: 'a[data-testid=nav-inbox]',
  inboxItem: '[data-testid=inbox-item]',
  state: '[data-testid=assessment-state]',
  item: (n) => `section[data-testid=item-${n}]`,
  score: (n) => `[data-testid=score-${n}]`,
  file: (n) => `[data-testid=file-${n}]`,
  upload: (n) => `[data-testid=upload-${n}]`,
  thumb: (n) => `section[data-testid=item-${n}] .thumb img`,
  notice: '[data-testid=notice]',
  ready: '[data-testid=ready]',
  submit: '[data-testid=submit-assessment]',
  returnReason: 'textarea[data-testid=return-reason-input]',
  returnButton: '[data-testid=return]',
  returnedReason: '[data-testid=return-reason]',
  reviewScore: (n) => `[data-testid=rscore-${n}]`,
  decide: '[data-testid=decide]',
  result: '[data-testid=assessment-result]',
  honor: '[data-testid=assessment-honor]',
  publish: 'a[data-testid=publish-notice]',
  noneButton: 'button[data-select=assessment][data-checked=false]',
  publishSubmit: '[data-testid=publish]',
  noticeTable: '[data-testid=notice-table]',
  grant: '[data-testid=grant-titles]',
  grantDone: '[data-testid=grant-done]',
  progressAccepted: '[data-testid=progress-accepted]',
  progressTitled: '[data-testid=progress-titled]',
  gradeFirst: '[data-testid="grade-一类"]',
  dashboardRow: (id) => `table[data-testid=dashboard-campaigns] tr:has(td[data-campaign="${id}"])`,
};
// The 六有 items: points 15, 15, 15, 15, 15, 25; item 3 asks for two photos, the others one file.
const ITEMS = [1, 2, 3, 4, 5, 6];
const REVIEW = [15, 14, 13, 15, 12, 23]; // 92 of 100: 一类
// ---------------------------------------------------------------------------------------------

// A real 1×1 PNG (the server decodes every image and makes a thumbnail).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);
const photo = (name) => ({ name, mimeType: 'image/png', buffer: PNG });

async function api(page, path) {
  const r = await page.request.get(path);
  assert(r.ok(), `${path}: HTTP ${r.status()}`);
  return r.json();
}

async function click(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.locator(selector).first().click()]);
}

async function upload(page, n, file) {
  await page.locator(SEL.file(n)).setInputFiles(file);
  await click(page, SEL.upload(n));
}

const num = async (locator) => Number((await locator.first().textContent()).trim());
const isoDay = (offset) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return d.toISOString().slice(0, 10);
};

test('达标创建：主席自评上传照片，石首市总工会退回、主席修改、验收通过，市总公示并授予称号，驾驶舱随之变化', async ({ page, newPage }) => {
  // ---- the chair finds the assessment in 待办 ----
  await loginAs(page, 'chair');
  await click(page, SEL.inboxLink);
  const item = page.locator(SEL.inboxItem).filter({ hasText: '填写自评' }).first();
  await expectVisible(item);
  await click(page, `${SEL.inboxItem}:has-text("填写自评") a`);
  const assessmentPath = new URL(page.url()).pathname;
  assert(/^\/assessments\/\d+$/.test(assessmentPath), `not an assessment page: ${assessmentPath}`);
  await expectText(page.locator(SEL.state), '未开始');
  const unionName = (await page.locator('h1').textContent()).trim();
  const campaignPath = await page.locator('.crumbs a[href^="/campaigns/"]').getAttribute('href');
  const campaignId = campaignPath.split('/').pop();

  // ---- before: the city's view of the campaign ----
  const city = await newPage();
  await loginAs(city, 'city');
  const root = (await api(city, '/api/v1/search?q=sssz')).orgs.find((o) => o.name === '石首市总工会').parent_id;
  await open(city, campaignPath);
  const acceptedBefore = await num(city.locator(SEL.progressAccepted));
  const titledBefore = await num(city.locator(SEL.progressTitled));
  const firstBefore = await num(city.locator(SEL.gradeFirst));
  await open(city, `/orgs/${root}/dashboard`);
  const dashRow = city.locator(SEL.dashboardRow(campaignId));
  const dashAcceptedBefore = await num(dashRow.locator('[data-testid=dashboard-accepted]'));

  // A renamed program is refused with a message and stores nothing.
  await page.locator(SEL.file(1)).setInputFiles({ name: '工会牌子.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00 this is a program') });
  await click(page, SEL.upload(1));
  await expectText(page, '可执行程序');
  assert((await page.locator(SEL.thumb(1)).count()) === 0, 'a refused file must not appear');

  // ---- self-review: a score and a photo per item (two for item 3), then 提交审核 ----
  for (const n of ITEMS) {
    const points = n === 6 ? 25 : 15;
    const field = page.locator(SEL.score(n));
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(String(points));
    else await field.fill(String(points));
    await upload(page, n, photo(`第${n}项照片.png`));
    await expectText(page.locator(SEL.notice), '已上传');
    await expectVisible(page.locator(SEL.thumb(n)).first());
  }
  // Item 3 still lacks its second photo: the page says so and submitting is refused.
  await expectVisible(page.locator(`${SEL.item(3)} [data-testid=item-missing]`));
  await upload(page, 3, photo('活动阵地第二张.png'));
  await expectVisible(page.locator(SEL.ready));
  await click(page, SEL.submit);
  await expectText(page.locator(SEL.state), '已提交');

  // ---- the county reviewer sees it in 待办 and returns it with a reason ----
  const reviewer = await newPage();
  await loginAs(reviewer, 'shishou');
  await open(reviewer, '/inbox');
  await expectVisible(reviewer.locator(SEL.inboxItem).filter({ hasText: unionName }).first());
  await open(reviewer, assessmentPath);
  const reason = '第3项活动阵地的照片看不清，请补拍职工书屋的照片';
  await reviewer.locator(SEL.returnReason).fill(reason);
  await click(reviewer, SEL.returnButton);
  await expectText(reviewer.locator(SEL.state), '已退回');

  // ---- the chair sees the reason, adds a photo and submits again ----
  await open(page, assessmentPath);
  await expectText(page.locator(SEL.returnedReason), reason);
  await upload(page, 3, photo('职工书屋.png'));
  await click(page, SEL.submit);
  await expectText(page.locator(SEL.state), '已提交');

  // ---- the reviewer scores every item and accepts: 92/100, 一类 ----
  await open(reviewer, assessmentPath);
  for (const [i, score] of REVIEW.entries()) {
    const field = reviewer.locator(SEL.reviewScore(i + 1));
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(String(score));
    else await field.fill(String(score));
  }
  await click(reviewer, SEL.decide);
  await expectText(reviewer.locator(SEL.result), '一类');
  await expectText(reviewer.locator(SEL.state), '验收通过');

  // ---- the city publishes the 公示 (already posted for its five days) and grants the title ----
  await open(city, campaignPath);
  await click(city, SEL.publish);
  await city.locator(SEL.noneButton).click();
  await city.locator(`input[name=assessment][aria-label="${unionName}"]`).check();
  await city.fill('#f-start_on', isoDay(-6));
  await city.fill('#f-end_on', isoDay(-1));
  await click(city, SEL.publishSubmit);
  await expectText(city.locator(SEL.noticeTable), unionName);
  await expectText(city.locator(SEL.noticeTable), '一类');
  const noticeText = await city.locator(SEL.noticeTable).textContent();
  assert(!/\d{17}[\dX]|1[3-9]\d{9}/.test(noticeText), 'the 公示 must not show ID numbers or phones');
  await click(city, SEL.grant);
  await expectVisible(city.locator(SEL.grantDone));

  // ---- the chair sees the result and the title ----
  await open(page, assessmentPath);
  await expectText(page.locator(SEL.result), '92/100');
  await expectText(page.locator(SEL.honor), '示范工会');

  // ---- the campaign progress and the city's dashboard moved by exactly this union ----
  await open(city, campaignPath);
  await waitFor(async () => (await num(city.locator(SEL.progressAccepted))) === acceptedBefore + 1, { message: 'accepted +1' });
  assert((await num(city.locator(SEL.progressTitled))) === titledBefore + 1, 'titled +1');
  assert((await num(city.locator(SEL.gradeFirst))) === firstBefore + 1, '一类 +1');
  await open(city, `/orgs/${root}/dashboard`);
  assert((await num(dashRow.locator('[data-testid=dashboard-accepted]'))) === dashAcceptedBefore + 1, 'dashboard accepted +1');
  await expectText(dashRow.locator('[data-testid=dashboard-grades]'), '一类');
});
