// 导入 in the browser, against the demo server (`gonghui demo --scale small`): staff of 石首市总工会
// (`shishou`) upload a small 会员名册 CSV written to a temp directory, see the preview with its
// counts and the error of the bad row, confirm, and see the numbers move by exactly what was
// imported: the union's 会员 on its page, and on the dashboard of 石首市总工会 (the importing
// org) 会员, 农民工会员 and 新入会会员 up, 基层工会 unchanged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, open, assert, expectText, expectUrl, loginAs } from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// The contract with the web crate: URLs, selectors and texts this test relies on.
const SEL = {
  county: '石首市总工会',
  importsPath: '/imports',
  kindMembers: 'input[name="kind"][value="members"]',
  fileInput: 'input[type="file"][name="file"]',
  upload: 'button.primary:has-text("上传并预览")',
  previewUrl: /\/imports\/[0-9a-f]+$/,
  confirm: 'button.primary:has-text("确认导入")',
  resultUrl: /\/imports\/[0-9a-f]+\/result$/,
  errorsTable: 'table.errors',
  done: '导入完成：新增 2 条',
  stat: (label) => `.stat:has(span:text-is("${label}")) b`,
  dashboard: (id) => `/orgs/${id}/dashboard`,
  headline: (label) => `#headline .stat:has(span:text-is("${label}")) b`,
  headlines: ['会员', '农民工会员', '新入会会员', '基层工会'],
};
// ---------------------------------------------------------------------------------------------

async function api(page, p) {
  const r = await page.request.get(p);
  assert(r.ok(), `${p}: HTTP ${r.status()}`);
  return r.json();
}

/** A valid 18-digit ID number (GB 11643 check digit). */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function statOf(page, label) {
  const t = await page.locator(SEL.stat(label)).first().textContent();
  return Number(String(t).trim());
}

/** The dashboard's headline numbers of `orgId`, by label. */
async function headlines(page, orgId) {
  await open(page, SEL.dashboard(orgId));
  await expectText(page.locator('h1'), '统计驾驶舱');
  const out = {};
  for (const label of SEL.headlines) {
    const text = (await page.locator(SEL.headline(label)).first().innerText()).trim();
    const n = Number(text);
    assert(Number.isInteger(n), `headline ${label} should be a number, got "${text}"`);
    out[label] = n;
  }
  return out;
}

/** Today as YYYY-MM-DD in the local time zone (the server's, on this machine). */
function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

test('导入会员名册：上传 CSV，预览中看到错误行，确认后组织页与驾驶舱的数字按导入的人数变化', async ({ page }) => {
  await loginAs(page, 'shishou');
  const county = (await api(page, '/api/v1/search?q=sssz')).orgs.find((o) => o.name === SEL.county);
  assert(county, `${SEL.county} not found`);
  const kids = await api(page, `/api/v1/orgs/${county.id}/children?limit=1000`);
  const union = kids.find((k) => k.kind === 'grassroots');
  assert(union, 'no grassroots union directly under 石首市总工会');
  await open(page, `/orgs/${union.id}`);
  const before = await statOf(page, '会员');
  const dashBefore = await headlines(page, county.id);

  // Two new people (numbers unique to this run) and one row with a mistyped ID number. One is a
  // 农民工 who joined today (this year's 新入会会员), the other joined in 2024.
  const seq = String(Date.now() % 900 + 100);
  const day = String(Date.now() % 28 + 1).padStart(2, '0');
  const rows = [
    '姓名,身份证号码,所在工会,入会日期,手机号码,是否农民工',
    `冯晓岚,${idNumber(`42108119880${Number(day) % 9 + 1}${day}${seq}`)},${union.name},${today()},13871234567,是`,
    `韩志远,${idNumber(`42108119900${Number(day) % 9 + 1}${day}${seq}`)},${union.name},2024-03-01,,否`,
    `错号码,42108119900101123,${union.name},2024-03-01,,`,
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gonghui-import-'));
  const file = path.join(dir, '会员名册.csv');
  fs.writeFileSync(file, '\ufeff' + rows.join('\r\n') + '\r\n');

  await open(page, SEL.importsPath);
  await page.locator(SEL.kindMembers).check();
  await page.locator(SEL.fileInput).setInputFiles(file);
  await page.locator(SEL.upload).click();
  await expectUrl(page, SEL.previewUrl);
  assert((await statOf(page, '新增')) === 2, 'the preview counts two new members');
  assert((await statOf(page, '有错误')) === 1, 'the preview counts one row with an error');
  await expectText(page.locator(SEL.errorsTable), '身份证号码应为18位');

  await page.locator(SEL.confirm).click();
  await expectUrl(page, SEL.resultUrl);
  await expectText(page, SEL.done);

  await open(page, `/orgs/${union.id}`);
  const after = await statOf(page, '会员');
  assert(after === before + 2, `会员 should go from ${before} to ${before + 2}, shows ${after}`);

  // The importing org's dashboard moved by exactly what the file added.
  const dashAfter = await headlines(page, county.id);
  const added = { 会员: 2, 农民工会员: 1, 新入会会员: 1, 基层工会: 0 };
  for (const [label, n] of Object.entries(added)) {
    assert(
      dashAfter[label] === dashBefore[label] + n,
      `dashboard ${label} should go from ${dashBefore[label]} to ${dashBefore[label] + n}, shows ${dashAfter[label]}`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
