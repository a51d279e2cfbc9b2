// Smoke tests of the demo server's pages (`gonghui demo --scale small`), as a clerk would use them.
import {
  test, open, assert, expectText, expectTitle, expectUrl, expectVisible, expectValue,
  expectFieldError, setField, loginAs,
} from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, selectors and texts these tests rely on. Adjust here.
const SEL = {
  appTitle: '工会组织建设管理平台',            // in <title> of GET /
  orgsLink: 'a[href="/orgs"]',                  // nav link to the 组织树 on GET /
  orgsLinkText: '组织树',
  orgsPath: '/orgs',
  orgLink: 'main a[href^="/orgs/"]',            // a link to one org's page in the content (not the menu)
  orgPageUrl: /\/orgs\/([^/?#]+)\/?(?:[?#].*)?$/, // captures <id>
  orgHeading: 'h1',
  rootOrg: '荆州市总工会',                       // tree root on /orgs
  childOrg: '石首市总工会',                       // a child of the root, loaded on expand
  expandToggle: (orgId) => `[data-testid="expand-${orgId}"]`, // htmx toggle that loads children
  expandToggleAny: '[data-testid^="expand-"]',
  searchPath: (q) => `/search?q=${encodeURIComponent(q)}`,
  childOrgPinyin: 'sssz',                        // initials of 石首市总工会
  phoneViewport: { width: 390, height: 844 },
  // A grassroots union to hang a new unit on: the first search hit whose name is not an upper level.
  grassrootsQueries: ['有限公司工会', '公司工会', '工会委员会', '联合工会', '工会'],
  notGrassroots: /总工会|联合会|产业工会|工作委员会/,
  unitNewPath: (orgId) => `/units/new?org=${encodeURIComponent(orgId)}`,
  unitFields: ['uscc', 'name', 'region_code', 'industry_code', 'ownership', 'employees', 'women_employees'],
  submit: 'button[type="submit"], input[type="submit"], button:not([type])',
  badUscc: '914403001922038217',                  // check digit should be 6, not 7
  usccError: /校验码.*6/,                         // e.g. 统一社会信用代码第18位校验码应为 6，请核对营业执照
  unitValues: {                                   // the other fields, valid enough
    name: '荆州市测试纺织有限公司',
    region_code: '421081',                        // 石首市
    industry_code: '17',                          // 纺织业 (GB/T 4754 大类); selects fall back to the first option
    ownership: '',                                // a <select>: first non-empty option
    employees: '120',
    women_employees: '45',
  },
};
// ---------------------------------------------------------------------------------------------

function orgIdFromUrl(url) {
  const m = new URL(url, 'http://x').pathname.match(SEL.orgPageUrl);
  assert(m, `not an org page URL: ${url}`);
  return decodeURIComponent(m[1]);
}

/** The href of the first /orgs/<id> link with the given name on a search page. */
async function searchOrgHref(page, query, name) {
  await open(page, SEL.searchPath(query));
  const hit = page.locator(SEL.orgLink, { hasText: name }).first();
  await expectVisible(hit);
  return hit.getAttribute('href');
}

test('首页：标题含平台名称，有组织树入口', async ({ page }) => {
  await loginAs(page, 'city');
  await open(page, '/');
  await expectTitle(page, SEL.appTitle);
  const link = page.locator(SEL.orgsLink, { hasText: SEL.orgsLinkText });
  await expectVisible(link);
});

test('组织树：根节点展开显示县级工会，点开县级工会按需加载下级', async ({ page }) => {
  await loginAs(page, 'city');
  await open(page, SEL.orgsPath);
  await expectText(page, SEL.rootOrg);
  // The root is rendered open: its children are on the page without any request.
  const county = page.locator(SEL.orgLink, { hasText: SEL.childOrg }).first();
  await expectVisible(county);
  const countyId = orgIdFromUrl(await county.getAttribute('href'));
  const toggle = page.locator(SEL.expandToggle(countyId));
  await expectVisible(toggle);

  // htmx marks its requests with HX-Request: true; the fragment carries the county's children.
  const fragment = page.waitForResponse((r) => r.request().headers()['hx-request'] === 'true', { timeout: 15_000 });
  await toggle.click();
  const res = await fragment.catch((e) => {
    throw new Error(`clicking ${toggle} made no htmx request: ${e.message.split('\n')[0]}`);
  });
  assert(res.status() < 400, `htmx fragment ${res.url()} answered HTTP ${res.status()}`);
  assert(res.url().includes(`/orgs/${countyId}/children`), `unexpected fragment ${res.url()}`);
  const rows = page.locator(`#children-${countyId} li`);
  await expectVisible(rows.first());
  assert(await rows.count() > 3, 'the county shows its townships and unions');
  await expectText(page.locator(`#children-${countyId}`), '工会');
});

test('登记会员：表单保存后会员名册人数加一，已在籍的身份证号不能再次入会', async ({ page }) => {
  await loginAs(page, 'city');
  let orgId;
  for (const q of SEL.grassrootsQueries) {
    await open(page, SEL.searchPath(q));
    for (const link of await page.locator(SEL.orgLink).all()) {
      const name = (await link.textContent()).trim();
      if (!SEL.notGrassroots.test(name)) { orgId = orgIdFromUrl(await link.getAttribute('href')); break; }
    }
    if (orgId) break;
  }
  assert(orgId, 'no grassroots union found');
  await open(page, `/orgs/${orgId}`);
  const before = Number((await page.locator('h2', { hasText: '会员名册' }).textContent()).match(/（(\d+)）/)[1]);
  await open(page, `/members/new?org=${orgId}`);
  await setField(page, 'name', '测试会员');
  await setField(page, 'id_number', '11010519491231002X');
  await page.locator('button.primary[type="submit"]').click();
  await expectUrl(page, /\/members\/\d+/);
  await expectText(page, '会员已登记');
  await expectText(page, '110105********002X');
  await open(page, `/orgs/${orgId}`);
  await expectText(page.locator('h2', { hasText: '会员名册' }), `（${before + 1}）`);
  // The same person again is refused, with the holding union named and a transfer suggested.
  await open(page, `/members/new?org=${orgId}`);
  await setField(page, 'name', '测试会员');
  await setField(page, 'id_number', '11010519491231002X');
  await page.locator('button.primary[type="submit"]').click();
  await expectText(page.locator('.alert.error').first(), '会籍转接');
});

test('搜索：拼音首字母找到组织并打开', async ({ page }) => {
  await loginAs(page, 'city');
  await open(page, SEL.searchPath(SEL.childOrgPinyin));
  const hit = page.locator(SEL.orgLink, { hasText: SEL.childOrg }).first();
  await expectVisible(hit);
  await hit.click();
  await expectUrl(page, SEL.orgPageUrl);
  await expectText(page.locator(SEL.orgHeading), SEL.childOrg);
});

test('手机宽度：组织页面没有横向滚动', async ({ page, newPage }) => {
  await loginAs(page, 'city');
  const href = await searchOrgHref(page, SEL.childOrgPinyin, SEL.childOrg);
  const phone = await newPage({ viewport: SEL.phoneViewport, isMobile: true, hasTouch: true });
  await loginAs(phone, 'city');
  await phone.goto(href, { waitUntil: 'load' });
  await expectText(phone.locator(SEL.orgHeading), SEL.childOrg);
  const { scrollWidth, wide } = await phone.evaluate((limit) => {
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > limit + 1 && wide.length < 8) {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right=${Math.round(r.right)})`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, wide };
  }, SEL.phoneViewport.width);
  assert(scrollWidth <= SEL.phoneViewport.width + 1,
    `page is ${scrollWidth}px wide on a ${SEL.phoneViewport.width}px phone (no <meta name="viewport">?); too wide: ${wide.join(', ')}`);
});

test('新建单位：统一社会信用代码校验码错误，提示在字段旁并保留输入', async ({ page }) => {
  await loginAs(page, 'city');
  // Any grassroots union will do.
  let orgId;
  for (const q of SEL.grassrootsQueries) {
    await open(page, SEL.searchPath(q));
    const hrefs = await page.locator(SEL.orgLink).evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]));
    const hit = hrefs.find(([, text]) => text && !SEL.notGrassroots.test(text));
    if (hit) { orgId = orgIdFromUrl(hit[0]); break; }
  }
  assert(orgId, `no grassroots union found by searching ${SEL.grassrootsQueries.join(' / ')}`);

  await open(page, SEL.unitNewPath(orgId));
  const form = page.locator('form', { has: page.locator('[name="uscc"]') }).first();
  await expectVisible(form);
  for (const name of SEL.unitFields) {
    assert(await form.locator(`[name="${name}"]`).count(), `the form has no field named "${name}"`);
  }
  assert(await form.locator('select[name="ownership"]').count(), 'ownership should be a <select>');

  await setField(form, 'uscc', SEL.badUscc);
  for (const [name, value] of Object.entries(SEL.unitValues)) await setField(form, name, value);

  const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 15_000 });
  await form.locator(SEL.submit).first().click();
  await posted.catch(async (e) => {
    const invalid = await form.evaluate((f) => [...f.elements]
      .filter((el) => el.willValidate && !el.checkValidity())
      .map((el) => `${el.name}: ${el.validationMessage}`));
    throw new Error(`submitting the form sent no POST${invalid.length ? `; the browser refused: ${invalid.join('; ')}` : ''} (${e.message.split('\n')[0]})`);
  });

  await expectFieldError(page, 'uscc', SEL.usccError);
  await expectValue(page.locator('[name="uscc"]'), SEL.badUscc);
});

test('基层工会主席：只看到本单位工会，看不到其他组织', async ({ page }) => {
  await loginAs(page, 'chair');
  // Home is the chair's own union page: its roster and the button to register members.
  await expectUrl(page, SEL.orgPageUrl);
  await expectText(page, '基层工会主席');
  await expectVisible(page.locator('a.btn.primary', { hasText: '登记会员' }));
  await expectText(page.locator('h2', { hasText: '会员名册' }), '会员名册');
  // Search for the county federation finds nothing.
  await open(page, SEL.searchPath(SEL.childOrgPinyin));
  assert(!(await page.locator(SEL.orgLink, { hasText: SEL.childOrg }).count()), 'the county is not in the chair\'s search results');
  // Whatever it does find (units of the chair's own joint union) contains no other union.
  for (const link of await page.locator(SEL.orgLink).all()) {
    assert(!SEL.notGrassroots.test(await link.textContent()), 'no upper-level union in a chair\'s search');
  }
  // Opening the county's page directly is refused.
  await loginAs(page, 'city');
  const href = await searchOrgHref(page, SEL.childOrgPinyin, SEL.childOrg);
  await loginAs(page, 'chair');
  const res = await page.goto(href);
  assert(res.status() === 403, `a chair opening ${href} got HTTP ${res.status()}`);
  await expectText(page, '没有权限');
  // The nav offers no account or audit administration.
  assert(!(await page.locator('a[href="/admin/accounts"]').count()), 'no 账号管理 for a chair');
});
