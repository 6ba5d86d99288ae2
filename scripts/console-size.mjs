// Prints what a browser downloads to show the console, gzipped: the entries (index.html with the sign-in page and the
// landing page, Clusters, which is in the main bundle, and the early entry it loads) and every chunk they import;
// fails the build when that JavaScript is over its budget.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_JS_KB = 400;
const dir = resolve(import.meta.dirname, '../dist/console');
const manifest = JSON.parse(readFileSync(join(dir, '.vite/manifest.json'), 'utf8'));
const kb = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length / 1024;

/** The files a manifest entry loads before it runs: itself, its static imports, and their stylesheets. */
function closure(keys, files = new Set()) {
  for (const key of keys) {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) continue;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    closure(chunk.imports ?? [], files);
  }
  return files;
}

function report(label, keys) {
  const files = [...closure(keys)];
  const js = files.filter((f) => f.endsWith('.js')).reduce((n, f) => n + kb(f), 0);
  const css = files.filter((f) => f.endsWith('.css')).reduce((n, f) => n + kb(f), 0);
  console.log(`console ${label}: ${js.toFixed(1)} KB JavaScript + ${css.toFixed(1)} KB CSS, gzipped`);
  return js;
}

const landing = report('first load (sign-in and the Clusters page)', ['index.html', 'src/early.ts']);
console.log(`budget: ${BUDGET_JS_KB} KB JavaScript`);
if (landing > BUDGET_JS_KB) {
  console.error(`the console's first-load JavaScript (${landing.toFixed(1)} KB gzipped) is over its ${BUDGET_JS_KB} KB budget`);
  process.exit(1);
}
