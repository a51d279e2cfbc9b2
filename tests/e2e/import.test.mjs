// 导入 in the browser, against the demo server (`gonghui demo --scale small`): staff of 石首市总工会
// (`shishou`) upload a small 会员名册 CSV written to a temp directory, see the preview with its
// counts and the error of the bad row, confirm, and see the union's 会员 count grow.
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

test('导入会员名册：上传 CSV，预览中看到错误行，确认后组织页的会员数增加', async ({ page }) => {
  await loginAs(page, 'shishou');
  const county = (await api(page, '/api/v1/search?q=sssz')).orgs.find((o) => o.name === SEL.county);
  assert(county, `${SEL.county} not found`);
  const kids = await api(page, `/api/v1/orgs/${county.id}/children?limit=1000`);
  const union = kids.find((k) => k.kind === 'grassroots');
  assert(union, 'no grassroots union directly under 石首市总工会');
  await open(page, `/orgs/${union.id}`);
  const before = await statOf(page, '会员');

  // Two new people (numbers unique to this run) and one row with a mistyped ID number.
  const seq = String(Date.now() % 900 + 100);
  const day = String(Date.now() % 28 + 1).padStart(2, '0');
  const rows = [
    '姓名,身份证号码,所在工会,入会日期,手机号码',
    `冯晓岚,${idNumber(`42108119880${Number(day) % 9 + 1}${day}${seq}`)},${union.name},2024-03-01,13871234567`,
    `韩志远,${idNumber(`42108119900${Number(day) % 9 + 1}${day}${seq}`)},${union.name},2024-03-01,`,
    `错号码,42108119900101123,${union.name},2024-03-01,`,
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
  fs.rmSync(dir, { recursive: true, force: true });
});
