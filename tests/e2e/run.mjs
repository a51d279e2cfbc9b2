// Run every *.test.mjs in this folder, in name order, in one Chromium.
//   GONGHUI_URL=http://127.0.0.1:8080 node tests/e2e/run.mjs
//   E2E_FILTER=搜索 node tests/e2e/run.mjs          # only tests whose name contains 搜索
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { run } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = (await readdir(here)).filter((f) => f.endsWith('.test.mjs')).sort();
for (const f of files) await import(pathToFileURL(path.join(here, f)).href);
await run();
