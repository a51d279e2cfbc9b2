// 统计驾驶舱 end to end on the demo server (`gonghui demo --scale small`): the dashboard draws
// its charts under the page's Content-Security-Policy, a member registered through the form
// shows in the numbers at once, and a 五个清 survey from the 逐一摸底 list is counted.
import {
  test, open, assert, expectText, expectUrl, expectVisible, expectFieldError, setField, loginAs,
} from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, field names and texts this test relies on.
const SEL = {
  county: '石首市总工会',
  dashboard: (id) => `/orgs/${id}/dashboard`,
  worklist: (id) => `/orgs/${id}/worklist`,
  newMember: (org) => `/members/new?org=${org}`,
  headline: (label) => `#headline .stat:has(span:text-is("${label}")) b`,
  charts: ['#chart-coverage canvas', '#chart-kinds canvas', '#chart-members canvas'],
  surveyButton: '#worklist-table a.btn',
  save: 'button[type=submit].primary',
};
// ---------------------------------------------------------------------------------------------

/** A valid resident ID number (GB 11643) born on `birth` (YYYYMMDD) with sequence `seq`. */
function idNumber(region, birth, seq) {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function headline(page, label) {
  const text = (await page.locator(SEL.headline(label)).first().innerText()).trim();
  const n = Number(text);
  assert(Number.isInteger(n), `headline ${label} should be a number, got "${text}"`);
  return n;
}

async function submit(page) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(SEL.save)]);
}

test('统计驾驶舱：石首市总工会的图表在安全策略下绘出，登记一名会员后会员数立即加一，五个清摸底后已摸底数加一', async ({ page }) => {
  const blocked = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) blocked.push(m.text());
  });
  await loginAs(page, 'shishou');
  const found = await (await page.request.get(`/api/v1/search?q=${encodeURIComponent(SEL.county)}`)).json();
  const county = found.orgs.find((o) => o.name === SEL.county);
  assert(county, `${SEL.county} not found by the search API`);

  await open(page, SEL.dashboard(county.id));
  await expectText(page.locator('h1'), '统计驾驶舱');
  for (const c of SEL.charts) await expectVisible(page.locator(c));
  const members = await headline(page, '会员');
  assert(members > 0, 'the demo county has members');
  const api = await (await page.request.get(`/api/v1/orgs/${county.id}/stats`)).json();
  assert(api.members === members, `API says ${api.members} members, the page ${members}`);

  // A grassroots union of the county, from the API's children of one of its townships.
  const kids = await (await page.request.get(`/api/v1/orgs/${county.id}/stats/children`)).json();
  const area = kids.children.find((c) => c.grassroots > 0 && c.org_id);
  assert(area, 'a child with grassroots unions');
  const grand = await (await page.request.get(`/api/v1/orgs/${area.org_id}/children`)).json();
  const union = grand.find((o) => o.kind === 'grassroots');
  assert(union, 'a grassroots union under the township');

  // Register a member through the form: a wrong ID number first, then the right one.
  await open(page, SEL.newMember(union.id));
  await setField(page, 'name', '祝新星');
  const id = idNumber('421081', '19940315', 700 + Math.floor(Math.random() * 200));
  await setField(page, 'id_number', id.slice(0, 17) + (id[17] === '0' ? '1' : '0'));
  await submit(page);
  await expectFieldError(page, 'id_number', /校验/);
  await setField(page, 'id_number', id);
  await submit(page);
  await expectUrl(page, /\/members\/\d+/);

  await open(page, SEL.dashboard(county.id));
  const after = await headline(page, '会员');
  assert(after === members + 1, `members should go from ${members} to ${members + 1}, got ${after}`);

  // 逐一摸底: record the 五个清 of the first unit without a union.
  await open(page, SEL.worklist(county.id));
  await expectText(page.locator('h1'), '逐一摸底');
  const surveyed = Number((await page.locator('.stat:has(span:text-is("已摸底")) b').innerText()).trim());
  const button = page.locator(`${SEL.surveyButton}:has-text("登记五个清")`).first();
  await expectVisible(button);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), button.click()]);
  await expectText(page.locator('h1'), '五个清摸底');
  await setField(page, 'staff_distribution', '厂区一处，另有门店两处');
  await setField(page, 'operations', '生产经营正常');
  await setField(page, 'workforce', '');
  await setField(page, 'investor', '负责人支持建会');
  await setField(page, 'reason', 'preparing');
  await submit(page);
  await expectFieldError(page, 'workforce', '职工队伍情况');
  await setField(page, 'workforce', '职工30人，其中农民工12人');
  await submit(page);
  await expectText(page, '五个清摸底情况已登记');
  await open(page, SEL.worklist(county.id));
  const now = Number((await page.locator('.stat:has(span:text-is("已摸底")) b').innerText()).trim());
  assert(now === surveyed + 1, `已摸底 should go from ${surveyed} to ${surveyed + 1}, got ${now}`);

  assert(blocked.length === 0, `the page broke its Content-Security-Policy: ${blocked.join(' | ')}`);
});
