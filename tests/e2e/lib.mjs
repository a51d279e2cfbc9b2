// Tiny browser-test kit: playwright-core + Debian's Chromium, a sequential runner, a few asserts.
//
//   import { test, expectText, open } from './lib.mjs';
//   test('首页', async ({ page }) => { await open(page, '/'); await expectText(page.locator('h1'), '工会'); });
//
// run.mjs imports every *.test.mjs (which only register tests) and then calls run().
// Env: GONGHUI_URL (server, default http://127.0.0.1:8080), CHROMIUM (default /usr/bin/chromium),
//      E2E_FILTER (run only tests whose name contains it), E2E_TIMEOUT_MS (per test, default 90000).
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_URL = (process.env.GONGHUI_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(HERE, 'test-results');
const TEST_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 90_000);
const ACTION_TIMEOUT_MS = 15_000;
const NAV_TIMEOUT_MS = 30_000;

// Without the networking flags Chromium keeps trying hosts this machine cannot reach.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Start Chromium. Playwright gives it a fresh temporary user data dir and removes it on close. */
export function launch(options = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    ...options,
  });
}

// ---------------------------------------------------------------------------------------------
// Runner

const tests = [];

/**
 * Register a test. fn receives { page, context, browser, baseURL, newPage }.
 * page belongs to a fresh browser context (1280×900, zh-CN). newPage(contextOptions) opens a
 * page in another fresh context (e.g. a phone viewport); it is closed after the test.
 */
export function test(name, fn) {
  if (tests.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
  tests.push({ name, fn });
}

function fileName(name) {
  return name.replace(/[^\p{L}\p{N}_.-]+/gu, '_').slice(0, 120) || 'test';
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const DEFAULT_CONTEXT = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN', baseURL: BASE_URL };

async function newContext(browser, options, log) {
  const context = await browser.newContext({ ...DEFAULT_CONTEXT, ...options });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  context.on('page', (p) => watchPage(p, log));
  return context;
}

function watchPage(page, log) {
  page.on('console', (m) => { if (m.type() === 'error') log.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => log.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => { if (r.status() >= 400) log.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });
}

/** Run every registered test in order; print ✓/✗; exit 1 if any failed. */
export async function run() {
  const filter = process.env.E2E_FILTER || '';
  const selected = tests.filter((t) => t.name.includes(filter));
  console.log(`e2e: ${selected.length} test(s) against ${BASE_URL} with ${CHROMIUM}`);
  if (selected.length === 0) {
    console.error('e2e: no tests selected');
    process.exit(1);
  }
  const browser = await launch();
  // Interrupted (Ctrl-C, CI's time limit): stop now instead of failing every remaining test.
  // Playwright kills the browser it launched when this process exits.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      console.log(`e2e: interrupted by ${signal}`);
      process.exit(code);
    });
  }
  let passed = 0;
  let failed = 0;
  try {
    for (const t of selected) {
      const log = [];
      const contexts = [];
      const started = Date.now();
      let lastPage;
      try {
        const context = await newContext(browser, {}, log);
        contexts.push(context);
        const page = await context.newPage();
        lastPage = page;
        const newPage = async (options = {}) => {
          const c = await newContext(browser, options, log);
          contexts.push(c);
          lastPage = await c.newPage();
          return lastPage;
        };
        await withTimeout(
          Promise.resolve().then(() => t.fn({ page, context, browser, baseURL: BASE_URL, newPage })),
          TEST_TIMEOUT_MS,
          `test "${t.name}"`,
        );
        passed++;
        console.log(`  ✓ ${t.name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed++;
        console.log(`  ✗ ${t.name} (${Date.now() - started} ms)`);
        console.log(indent(err?.stack || String(err), '      '));
        if (lastPage) {
          console.log(indent(`at URL: ${lastPage.url()}`, '      '));
          try {
            await mkdir(RESULTS_DIR, { recursive: true });
            const file = path.join(RESULTS_DIR, `${fileName(t.name)}.png`);
            await lastPage.screenshot({ path: file, fullPage: true, timeout: 10_000 });
            console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
          } catch (e) {
            console.log(`      (no screenshot: ${e.message})`);
          }
        }
        if (log.length) console.log(indent(['browser log:', ...log.slice(-20)].join('\n'), '      '));
      } finally {
        for (const c of contexts) await c.close().catch(() => {});
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

function indent(text, pad) {
  return String(text).split('\n').map((l) => pad + l).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Page helpers and asserts (playwright-core has no `expect`; these poll like it does)

export class AssertionError extends Error {
  constructor(message) { super(message); this.name = 'AssertionError'; }
}

/** Poll fn until it returns a truthy value; throw `message()` (or the last error) on timeout. */
export async function waitFor(fn, { timeout = ACTION_TIMEOUT_MS, interval = 100, message } = {}) {
  const deadline = Date.now() + timeout;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const m = typeof message === 'function' ? await message().catch(() => '') : message;
      throw new AssertionError(m || (lastErr ? `waitFor: ${lastErr.message}` : `waitFor timed out after ${timeout} ms`));
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

export function assert(cond, message) {
  if (!cond) throw new AssertionError(message || 'assertion failed');
}

function short(s, n = 400) {
  s = String(s ?? '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n) + '…' : s;
}

function matches(text, expected) {
  return expected instanceof RegExp ? expected.test(text) : text.includes(expected);
}

/** Go to a path (relative to GONGHUI_URL) and insist on an HTTP status below 400. */
export async function open(page, urlPath) {
  const res = await page.goto(urlPath, { waitUntil: 'domcontentloaded' });
  assert(res, `no response for ${urlPath}`);
  assert(res.status() < 400, `GET ${urlPath} answered HTTP ${res.status()}`);
  return res;
}

/**
 * Wait until the text of `target` (a Page or a Locator, first match) contains `expected`
 * (a string or a RegExp).
 */
export async function expectText(target, expected, { timeout } = {}) {
  const loc = 'locator' in target && typeof target.url === 'function' ? target.locator('body') : target.first();
  let actual = '';
  await waitFor(async () => {
    actual = (await loc.innerText({ timeout: 1000 }).catch(() => loc.textContent({ timeout: 1000 }))) ?? '';
    return matches(actual, expected);
  }, { timeout, message: () => Promise.resolve(`expected text ${expected} in ${loc}, got: "${short(actual)}"`) });
}

/** Wait until the page title contains `expected`. */
export async function expectTitle(page, expected, { timeout } = {}) {
  let actual = '';
  await waitFor(async () => matches((actual = await page.title()), expected), {
    timeout, message: () => Promise.resolve(`expected title containing ${expected}, got "${actual}"`),
  });
}

/** Wait until the page URL matches `re` (RegExp) or contains a string. */
export async function expectUrl(page, expected, { timeout } = {}) {
  await waitFor(() => matches(page.url(), expected), {
    timeout, message: () => Promise.resolve(`expected URL ${expected}, got ${page.url()}`),
  });
}

/** Wait until at least one element of the locator is visible. */
export async function expectVisible(locator, { timeout } = {}) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeout ?? ACTION_TIMEOUT_MS });
  } catch (e) {
    throw new AssertionError(`expected ${locator} to be visible (${await locator.count()} match(es)): ${e.message.split('\n')[0]}`);
  }
}

/** Wait until an <input>/<select>/<textarea> has the given value. */
export async function expectValue(locator, expected, { timeout } = {}) {
  let actual;
  await waitFor(async () => (actual = await locator.first().inputValue({ timeout: 1000 })) === expected, {
    timeout, message: () => Promise.resolve(`expected ${locator} to have value "${expected}", got "${actual}"`),
  });
}

/**
 * Set a form field by name, whatever kind it is: text-like inputs are filled; a <select> gets the
 * option with that value, else the first option with a non-empty value.
 */
export async function setField(scope, name, value) {
  const el = scope.locator(`[name="${name}"]`).first();
  const tag = await el.evaluate((e) => e.tagName.toLowerCase());
  if (tag === 'select') {
    const values = await el.locator('option').evaluateAll((os) => os.map((o) => o.value));
    const pick = values.includes(String(value)) ? String(value) : values.find((v) => v !== '');
    assert(pick !== undefined, `select[name=${name}] has no option to choose`);
    await el.selectOption(pick);
  } else {
    await el.fill(String(value));
  }
}

/**
 * The text of the error shown beside a form field: the elements named by its aria-describedby and
 * every element near it (its parent, grandparent and great-grandparent, stopping at the <form>) that
 * does not itself contain the field. Returns an array of texts, one per element.
 */
export async function textsBesideField(page, name) {
  return page.locator(`[name="${name}"]`).first().evaluate((input) => {
    const out = [];
    for (const id of (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)) {
      const el = document.getElementById(id);
      if (el) out.push(el.textContent);
    }
    let box = input.parentElement;
    for (let depth = 0; box && depth < 3 && box.tagName !== 'FORM' && box !== document.body; depth++) {
      for (const el of box.querySelectorAll('*')) {
        if (!el.contains(input)) out.push(el.textContent);
      }
      box = box.parentElement;
    }
    return out.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  });
}

/** Wait for an error beside the field `name` whose text matches `expected` (string or RegExp). */
export async function expectFieldError(page, name, expected, { timeout } = {}) {
  let texts = [];
  await waitFor(async () => (texts = await textsBesideField(page, name)).some((t) => matches(t, expected)), {
    timeout,
    message: () => Promise.resolve(`expected an error matching ${expected} beside field "${name}"; text near it: ${short(JSON.stringify([...new Set(texts)]), 600)}`),
  });
}

/** The demo accounts' password (see `gonghui demo`). */
export const DEMO_PASSWORD = 'Gonghui@2026';

/** Sign in through the login page as a demo account; the page ends on the home page. */
export async function loginAs(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login', { waitUntil: 'domcontentloaded' });
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[type="submit"]')]);
  const url = new URL(page.url());
  assert(url.pathname !== '/login', `login as ${username} failed: still on ${page.url()}`);
}
