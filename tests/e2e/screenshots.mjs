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
await browser.close();
