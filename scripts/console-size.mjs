// Prints what a browser downloads on the console's first load (the entry script, the chunks it preloads, and the
// stylesheets index.html links), gzipped, and fails the build when the JavaScript is over its budget.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_JS_KB = 400;
const dir = resolve(import.meta.dirname, '../dist/console');
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="\/console\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const kb = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length / 1024;
const js = refs.filter((f) => f.endsWith('.js')).reduce((n, f) => n + kb(f), 0);
const css = refs.filter((f) => f.endsWith('.css')).reduce((n, f) => n + kb(f), 0);
console.log(`console first load: ${js.toFixed(1)} KB JavaScript + ${css.toFixed(1)} KB CSS, gzipped (budget: ${BUDGET_JS_KB} KB JavaScript)`);
if (js > BUDGET_JS_KB) {
  console.error(`the console's first-load JavaScript (${js.toFixed(1)} KB gzipped) is over its ${BUDGET_JS_KB} KB budget`);
  process.exit(1);
}
