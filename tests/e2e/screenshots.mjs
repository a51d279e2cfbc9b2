// Screenshots of the real pages for the user guide (docs/guide/images). Not a test: run it
// against a demo server after a page changes, look at the PNGs, commit them.
//
//   scripts/screenshots            # starts a small demo server, writes docs/guide/images/*.png
import { launch, BASE_URL, loginAs } from './lib.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'guide', 'images');

const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL });
const page = await ctx.newPage();
// API calls share the page's session cookie.
async function api(p) {
  const r = await page.request.get(p);
  if (!r.ok()) throw new Error(`${p}: ${r.status()}`);
  return r.json();
}
await shot('login', '/login');
await loginAs(page, 'city');
async function shot(name, url, { full = false, before } = {}) {
  if (url) await page.goto(url);
  if (before) await before();
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: full });
  console.log(`✓ ${name}.png`);
}

const county = (await api('/api/v1/search?q=sssz')).orgs.find((o) => o.name === '石首市总工会');
const kids = await api(`/api/v1/orgs/${county.id}/children?limit=1000`);
const grassroots = kids.filter((k) => k.kind === 'grassroots').sort((a, b) => b.member_count - a.member_count)[0];
const members = await api(`/api/v1/orgs/${grassroots.id}/members?limit=1`);
const units = await api(`/api/v1/orgs/${grassroots.id}/units?limit=1`);

await shot('home', '/');
await shot('tree', '/orgs', {
  before: async () => {
    await page.click(`[data-testid="expand-${county.id}"]`);
    await page.waitForSelector(`#children-${county.id} li`);
  },
});
await shot('org-county', `/orgs/${county.id}`);
await shot('org-grassroots', `/orgs/${grassroots.id}`, { full: true });
await shot('unit', `/units/${units[0].id}`);
await shot('member', `/members/${members[0].id}`);
await shot('search', '/search?q=sssz');
await shot('unit-form-error', `/units/new?org=${grassroots.id}`, {
  before: async () => {
    await page.fill('input[name=uscc]', '914403001922038217');
    await page.fill('input[name=name]', '石首市新建五金制品有限公司');
    await page.fill('input[name=employees]', '35');
    await page.click('button[type=submit].primary');
    await page.waitForSelector('.field.has-error');
  },
});
await shot('member-transfer', `/members/${members[0].id}/transfer`, {
  before: async () => {
    await page.fill('input[name=to_org]', '石首');
    await page.waitForSelector('#s-to_org button');
  },
});
// Administrators and a chair see their own pages.
await loginAs(page, 'admin');
await shot('accounts', '/admin/accounts');
await loginAs(page, 'auditor');
await shot('audit', '/admin/audit');
await loginAs(page, 'chair');
await shot('chair-home', '/');
await loginAs(page, 'city');

const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', baseURL: BASE_URL, deviceScaleFactor: 1 });
const pp = await phone.newPage();
await loginAs(pp, 'city');
await pp.goto(`/orgs/${grassroots.id}`);
await pp.screenshot({ path: path.join(OUT, 'phone-org.png') });
console.log('✓ phone-org.png');
// ---- 任期与换届、组织建设提醒 (terms, elections, reminders) ----
{
  await loginAs(page, 'city');
  const root = (await api(`/api/v1/orgs/${county.id}`)).parent_id;
  await shot('reminders', `/orgs/${root}/reminders`, { full: true });
  await shot('reminder-list', `/orgs/${root}/reminders/list?kind=ending`);
  // An election in progress, from the list of terms ending soon.
  await page.goto(`/orgs/${root}/reminders/list?kind=ending`);
  const terms = await page.locator('tr', { hasText: '进行中' }).first().locator('a').first().getAttribute('href');
  await shot('terms', terms, { full: true });
  await shot('election', terms.replace('/terms', '/election'), { full: true });
  // 石首's staff run a township's election to the end: the new term and its officers.
  await loginAs(page, 'shishou');
  const kids = await api(`/api/v1/orgs/${county.id}/children?limit=1000`);
  const town = kids.find((k) => k.kind === 'area_federation');
  await page.goto(`/orgs/${town.id}/terms`);
  await page.click('button.primary:has-text("发起换届选举")');
  for (let i = 0; i < 7; i++) {
    const form = page.locator('#next-step form');
    await form.locator('[name=person]').fill('王建华');
    await form.locator('[name=documents]').fill(`石工发〔2026〕${i + 21}号`);
    if (await form.locator('[name=reason]').count()) await form.locator('[name=reason]').fill('企业改制，经批准延期换届');
    await Promise.all([page.waitForNavigation(), form.locator('button.primary').click()]);
  }
  const officer = page.locator('form[action$="/election/officers"]');
  for (const [role, name] of [['chair', '孙丽华'], ['vice_chair', '何文斌']]) {
    await officer.locator('[name=role]').selectOption(role);
    await officer.locator('[name=name]').fill(name);
    await Promise.all([page.waitForNavigation(), officer.locator('button.primary').click()]);
  }
  await shot('election-complete', null, { full: true });
  await loginAs(page, 'city');
}
// ---- 组建行业工会联合会、行业视图、一行一会 (sector federations) ----
{
  const root = (await api(`/api/v1/orgs/${county.id}`)).parent_id;
  const fed = (await api(`/api/v1/orgs/${county.id}/children?limit=1000`)).find((k) => k.kind === 'sector_federation');
  // Still signed in as city: the city sees each county.
  await shot('sector-plan-city', `/orgs/${root}/sector-plan`, { full: true });
  await loginAs(page, 'shishou');
  await shot('sector-form-step1', `/orgs/${county.id}/sector-federations/new`);
  // The guided form refuses an association president as vice-chair, beside the field.
  await page.goto(`/orgs/${county.id}/sector-federations/new?sector=auto_repair`);
  const boxes = page.locator('input[type=checkbox][name^="m_"]');
  const ids = [];
  for (const i of [0, 1]) {
    ids.push((await boxes.nth(i).getAttribute('name')).slice(2));
    await boxes.nth(i).check();
  }
  for (const [i, id] of ids.entries()) {
    const rep = page.locator(`[name="rep_${id}"]`);
    if (!(await rep.inputValue()).trim()) {
      await rep.fill(['王建国', '李秀英'][i]);
      await page.selectOption(`[name="src_${id}"]`, 'elected_rep');
    }
    await page.selectOption(`[name="role_${id}"]`, i === 0 ? 'chair' : 'vice_chair');
  }
  await page.fill('[name=funds_review_head]', '张红梅');
  await page.fill('[name=women_workers_head]', '刘芳');
  await page.check(`[name="assoc_${ids[1]}"]`);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit].primary')]);
  await shot('sector-form-error', null, {
    before: async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator('.card', { hasText: '二、成员工会与委员会委员' }).scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, -60));
    },
  });
  await shot('sector-view', `/orgs/${fed.id}/sector`, { full: true });
  await shot('sector-plan', `/orgs/${county.id}/sector-plan`, { full: true });
  await pp.goto(`/orgs/${fed.id}/sector`);
  await pp.screenshot({ path: path.join(OUT, 'phone-sector.png') });
  console.log('✓ phone-sector.png');
}
// ---- 主席协议、律师副主席、四个到位、双亮 (city instruments) ----
{
  // The city's session of the phone context, in a desktop window: no further login for the
  // city (the login rate limit counts every sign-in of this script).
  const desk = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL, storageState: await phone.storageState(),
  });
  const dp = await desk.newPage();
  const snap = async (name, url, { full = false, before } = {}) => {
    if (url) await dp.goto(url);
    if (before) await before();
    await dp.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: full });
    console.log(`✓ ${name}.png`);
  };
  const firstLink = async (url, selector) => {
    await dp.goto(url);
    return dp.locator(selector).first().getAttribute('href');
  };
  const root = (await api(`/api/v1/orgs/${county.id}`)).parent_id;
  await snap('instr-chair-city', `/orgs/${root}/chair-agreements?list=done`, { full: true });
  const signed = await firstLink(`/orgs/${root}/chair-agreements?list=done`, '#list td[data-label="基层工会"] a');
  await snap('instr-chair-union', signed, { full: true });
  // Signing refused beside the field: the end date before the start date.
  const unsigned = await firstLink(`/orgs/${root}/chair-agreements?list=missing`, '#list td[data-label="基层工会"] a');
  await snap('instr-chair-form-error', unsigned, {
    before: async () => {
      const form = dp.locator('form[action$="/chair-agreements"]');
      await form.locator('[name=start_on]').fill('2026-01-01');
      await form.locator('[name=end_on]').fill('2025-12-31');
      await form.locator('[name=monthly_allowance]').fill('800');
      await Promise.all([dp.waitForNavigation(), form.locator('button.primary').click()]);
      await dp.locator('.field.has-error').first().scrollIntoViewIfNeeded();
    },
  });
  await snap('instr-lawyers', `/orgs/${root}/lawyers`, { full: true });
  await snap('instr-parks', `/orgs/${root}/parks`);
  const shortPark = await firstLink(`/orgs/${root}/parks`, 'tr:has-text("未到位") td[data-label="工会"] a');
  await snap('instr-four', shortPark, { full: true });
  await snap('instr-dual-city', `/orgs/${root}/dual-display`, { full: true });
  const dualUnion = await firstLink(`/orgs/${root}/dual-display?list=all`, '#list td[data-label="基层工会"] a');
  await snap('instr-dual-union', dualUnion, { full: true });
  await pp.goto(`/orgs/${root}/dual-display`);
  await pp.screenshot({ path: path.join(OUT, 'phone-instr-dual.png') });
  console.log('✓ phone-instr-dual.png');
  // A chair sees their own union's record, read-only (waiting out the login rate limit).
  for (let tries = 0; ; tries++) {
    try {
      await loginAs(dp, 'chair');
      break;
    } catch (e) {
      if (tries >= 4) throw e;
      await dp.waitForTimeout(20_000);
    }
  }
  const own = new URL(dp.url()).pathname;
  await snap('instr-dual-chair', `${own}/dual-display`);
  await desk.close();
}
// ---- 导入 (imports) ----
{
  const fs = await import('node:fs');
  const os = await import('node:os');
  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL });
  const ip = await desk.newPage();
  const snap = async (name, { full = false } = {}) => {
    await ip.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: full });
    console.log(`✓ ${name}.png`);
  };
  await loginAs(ip, 'shishou');
  const get = async (p) => (await ip.request.get(p)).json();
  const shishou = (await get('/api/v1/search?q=sssz')).orgs.find((o) => o.name === '石首市总工会');
  const unions = (await get(`/api/v1/orgs/${shishou.id}/children?limit=1000`)).filter((k) => k.kind === 'grassroots');
  const idNumber = (first17) => {
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    return first17 + '10X98765432'[[...first17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11];
  };
  const rows = [
    '姓名,身份证号码,所在工会,入会日期,手机号码,是否农民工,备注',
    `冯晓岚,${idNumber('42108119880512731')},${unions[0].name},2024-03-01,13871234567,否,`,
    `韩志远,${idNumber('42108119900623732')},${unions[0].name},2024年3月1日,,是,集中入会`,
    `曹雪梅,${idNumber('42108119920714733')},${unions[1].name},2024/3/5,13971234568,否,`,
    `严立军,4.21081E+17,${unions[1].name},2024-03-05,,否,`,
    `吕静,${idNumber('42108119950826734')},新厂镇某某公司工会,2024-03-05,,否,`,
    `冯晓岚,${idNumber('42108119880512731')},${unions[0].name},2024-03-01,,否,重复`,
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gonghui-shots-'));
  const file = path.join(dir, '新厂镇会员名册.csv');
  fs.writeFileSync(file, '\ufeff' + rows.join('\r\n') + '\r\n');
  await ip.goto('/imports?kind=members');
  await snap('import-start', { full: true });
  await ip.locator('input[type=file]').setInputFiles(file);
  await Promise.all([ip.waitForNavigation(), ip.locator('button.primary:has-text("上传并预览")').click()]);
  await snap('import-preview', { full: true });
  await Promise.all([ip.waitForNavigation(), ip.locator('button.primary:has-text("确认导入")').click()]);
  await snap('import-result', { full: true });
  fs.rmSync(dir, { recursive: true, force: true });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', baseURL: BASE_URL, deviceScaleFactor: 1 });
  const pp2 = await phone.newPage();
  await loginAs(pp2, 'shishou');
  await pp2.goto('/imports');
  await pp2.screenshot({ path: path.join(OUT, 'phone-import.png') });
  console.log('✓ phone-import.png');
  await phone.close();
  await desk.close();
}
// ---- 统计、驾驶舱、逐一摸底 (statistics, dashboard, worklist) ----
{
  // The city's session (no further sign-in: the login rate limit counts this script's).
  const desk = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL, storageState: await phone.storageState(),
  });
  const dp = await desk.newPage();
  const charts = async (p) => {
    await p.waitForSelector('#chart-kinds canvas');
    await p.waitForTimeout(300);
  };
  const snap = async (name, url, { full = false, before } = {}) => {
    if (url) await dp.goto(url);
    if (before) await before();
    await dp.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: full });
    console.log(`✓ ${name}.png`);
  };
  const root = (await api(`/api/v1/orgs/${county.id}`)).parent_id;
  await snap('dashboard-city', `/orgs/${root}/dashboard`, { full: true, before: () => charts(dp) });
  await snap('dashboard-filtered', `/orgs/${county.id}/dashboard?as_of=2025-09-30&ownership=non_public&min_employees=25&sort=rate&desc=1`, {
    full: true, before: () => charts(dp),
  });
  await snap('stats-list', `/orgs/${county.id}/stats/list?kind=covered_units`);
  await snap('worklist', `/orgs/${county.id}/worklist`);
  // A unit surveyed before (the demo has some), and the form refusing a missing answer.
  await dp.goto(`/orgs/${county.id}/worklist?surveyed=yes`);
  const surveyed = await dp.locator('#worklist-table td[data-label="单位名称"] a').first().getAttribute('href');
  await snap('unit-survey', `${surveyed}/survey?from=${county.id}`, { full: true });
  await snap('unit-survey-error', null, {
    before: async () => {
      await dp.fill('[name=workforce]', '');
      await Promise.all([dp.waitForNavigation(), dp.click('button[type=submit].primary')]);
      await dp.evaluate(() => document.querySelector('[name=workforce]').scrollIntoView({ block: 'center' }));
    },
  });
  await pp.goto(`/orgs/${county.id}/dashboard`);
  await charts(pp);
  await pp.screenshot({ path: path.join(OUT, 'phone-dashboard.png') });
  console.log('✓ phone-dashboard.png');
  await desk.close();
}
// ---- 标准、荣誉、评选条件 (standards, honors, eligibility rules) ----
{
  const desk = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL, storageState: await phone.storageState(),
  });
  const dp = await desk.newPage();
  const snap = async (name, url, { full = false, before } = {}) => {
    if (url) await dp.goto(url);
    if (before) await before();
    await dp.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: full });
    console.log(`✓ ${name}.png`);
  };
  await snap('standards-list', '/standards');
  await snap('standards-detail', '/standards/2', { full: true });
  // A copy of the built-in 七有 to edit (the city's own).
  await dp.goto('/standards/1');
  await Promise.all([dp.waitForNavigation(), dp.click('form[action="/standards/1/copy"] button')]);
  await snap('standards-edit', new URL(dp.url()).pathname, { full: true });
  await snap('standards-edit-error', null, {
    full: true,
    before: async () => {
      await dp.fill('input[name="item-2-points"]', '0');
      await Promise.all([dp.waitForNavigation(), dp.click('button.primary.big')]);
    },
  });
  await snap('honors-list', `/orgs/${county.id}/honors`, { full: true });
  await snap('honors-new', `/orgs/${county.id}/honors/new`);
  const noDual = (await api(`/api/v1/search?q=${encodeURIComponent('石首市博润青少年活动中心工会')}`)).orgs[0];
  await snap('honors-refused', `/orgs/${noDual.id}/honors/new`, {
    before: async () => {
      await dp.fill('input[name="title"]', '模范职工之家');
      await dp.selectOption('select[name="level"]', 'city');
      await Promise.all([dp.waitForNavigation(), dp.click('button.primary.big')]);
    },
  });
  await snap('honors-rules', '/eligibility-rules');
  await snap('honors-rule-new', '/eligibility-rules/new');
  await desk.close();
}
// ---- 达标创建、考核验收、公示、待办 (campaigns, assessments, notices, inbox) ----
{
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
    'base64',
  );
  const as = async (user, storageState) => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL, storageState });
    const p = await c.newPage();
    if (!storageState) await loginAs(p, user);
    return p;
  };
  const snapOn = async (p, name, url, { full = false, before, element } = {}) => {
    if (url) await p.goto(url);
    if (before) await before();
    const target = element ? p.locator(element).first() : p;
    await target.screenshot({ path: path.join(OUT, `${name}.png`), ...(element ? {} : { fullPage: full }) });
    console.log(`✓ ${name}.png`);
  };
  const go = async (p, selector) => {
    await Promise.all([p.waitForNavigation({ waitUntil: 'domcontentloaded' }), p.locator(selector).first().click()]);
  };
  const upload = async (p, n, name, buffer = PNG, mimeType = 'image/png') => {
    await p.locator(`[data-testid=file-${n}]`).setInputFiles({ name, mimeType, buffer });
    await go(p, `[data-testid=upload-${n}]`);
  };
  const setScore = async (field, v) => {
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(String(v));
    else await field.fill(String(v));
  };
  const day = (offset) => { const d = new Date(); d.setDate(d.getDate() + offset); return d.toISOString().slice(0, 10); };

  const chair = await as('chair');
  await snapOn(chair, 'campaign-chair-inbox', '/inbox');
  await go(chair, '[data-testid=inbox-item]:has-text("填写自评") a');
  const assessment = new URL(chair.url()).pathname;
  const union = (await chair.locator('h1').textContent()).trim();
  const campaign = await chair.locator('.crumbs a[href^="/campaigns/"]').getAttribute('href');
  for (const [n, pts] of [[1, 15], [2, 15], [3, 15], [4, 15], [5, 15], [6, 25]]) {
    await setScore(chair.locator(`[data-testid=score-${n}]`), pts);
    await upload(chair, n, `第${n}项.png`);
  }
  await snapOn(chair, 'campaign-checklist', null, {
    full: true,
    before: () => chair.locator('section[data-testid=item-3]').scrollIntoViewIfNeeded(),
  });
  await snapOn(chair, 'campaign-upload-error', null, {
    before: async () => {
      await upload(chair, 1, '工会牌子.jpg', Buffer.from('MZ\x90\x00 program'), 'image/jpeg');
      await chair.evaluate(() => window.scrollTo(0, 0));
    },
  });
  await upload(chair, 3, '职工书屋.png');
  await go(chair, '[data-testid=submit-assessment]');

  const county = await as('shishou');
  await snapOn(county, 'campaign-review', assessment, { full: true });
  await county.locator('textarea[data-testid=return-reason-input]').fill('第3项活动阵地的照片看不清，请补拍职工书屋的照片');
  await snapOn(county, 'campaign-return', null, {
    before: () => county.locator('#return').scrollIntoViewIfNeeded(),
  });
  await go(county, '[data-testid=return]');
  await snapOn(chair, 'campaign-returned', assessment);
  await upload(chair, 3, '职工书屋（补拍）.png');
  await go(chair, '[data-testid=submit-assessment]');
  await county.goto(assessment);
  for (const [i, v] of [15, 14, 13, 15, 12, 23].entries()) await setScore(county.locator(`[data-testid=rscore-${i + 1}]`), v);
  await go(county, '[data-testid=decide]');

  const city = await as('city', await phone.storageState());
  const root = (await api(`/api/v1/orgs/${(await api('/api/v1/search?q=sssz')).orgs.find((o) => o.name === '石首市总工会').id}`)).parent_id;
  await snapOn(city, 'campaign-new', `/orgs/${root}/campaigns/new`, { full: true });
  await city.goto(campaign);
  await city.waitForSelector('canvas');
  await city.waitForTimeout(300);
  await snapOn(city, 'campaign-progress', null, { full: true });
  await go(city, 'a[data-testid=publish-notice]');
  await city.locator('button[data-select=assessment][data-checked=false]').click();
  await city.locator(`input[name=assessment][aria-label="${union}"]`).check();
  await city.fill('#f-start_on', day(-6));
  await city.fill('#f-end_on', day(-1));
  await snapOn(city, 'campaign-notice-new', null, { full: true });
  await go(city, '[data-testid=publish]');
  await snapOn(city, 'campaign-notice', null, { full: true });
  await go(city, '[data-testid=grant-titles]');
  await snapOn(city, 'campaign-grant', null, { full: true });
  await snapOn(chair, 'campaign-result', assessment);
  await snapOn(city, 'campaign-dashboard', `/orgs/${root}/dashboard`, { element: '#campaigns' });
  for (const p of [chair, county, city]) await p.context().close();
}
await browser.close();
