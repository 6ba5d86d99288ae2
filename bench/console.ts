// The web console's cluster list: time from navigation start to the list showing its first cluster with the
// "Create cluster" button usable, as Chromium's own clock reads it (performance.now() at that moment), against a
// Wharf `server`. Two cases: a first visit (a fresh browser context, empty cache) and a return visit (the same
// context, a new page: the hashed assets come from the browser's cache, as they do for a user who comes back).
// The peer, in the same run: a static page of the same server (the console's index.html with no script), which is
// the browser's own floor for a navigation here. Goal (the console issue): interactive in under one second.
// With `--compare DIR` (another build's dist/console, e.g. a copy of the build before a change), a second server
// serves that build (WHARF_CONSOLE_DIR) and the rounds alternate between the two, which one goes first alternating
// too, so both see the same machine; it prints both medians and their ratio.
// Run: npm run build && node dist/bench/console.js [--rounds 7] [--compare DIR]
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { arg, median, startServer } from './support.js';

const rounds = arg('rounds', 7);
const compare = arg('compare', '');
const creds = { accessKeyId: 'AKIAWHARFBENCH000018', secretAccessKey: 'wharf-bench-console-secret' };
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Build {
  label: string;
  url: string;
  first: number[];
  again: number[];
  floor: number[];
  /** Rounds that did not reach the list within 30 s, each with the page's state then (a screenshot is written too). */
  failed: string[];
}

async function serve(label: string, consoleDir?: string): Promise<Build> {
  const { url, proc } = await startServer({ credentials: creds, command: 'server', env: consoleDir ? { WHARF_CONSOLE_DIR: consoleDir } : {} });
  process.on('exit', () => proc.kill('SIGKILL'));
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  ecs.destroy();
  return { label, url, first: [], again: [], floor: [], failed: [] };
}

const clusterList = async (page: Page, url: string) => {
  await page.goto(`${url}/console/#/clusters`);
  await page.getByRole('link', { name: 'default', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Create cluster' }).click({ trial: true });
  return page.evaluate(() => performance.now());
};
const staticPage = async (page: Page, url: string) => {
  await page.route('**/console/static-floor', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>floor</title><a href="#">default</a>' }));
  await page.goto(`${url}/console/static-floor`);
  await page.getByRole('link', { name: 'default' }).waitFor();
  return page.evaluate(() => performance.now());
};

async function main() {
  const builds = [await serve('this build')];
  if (compare) builds.push(await serve(`compared (${compare})`, resolve(compare)));
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  const session = JSON.stringify({ ...creds, region: 'us-east-1' });
  const newContext = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Signed in: the console keeps the key pair in sessionStorage, which a new page of the context starts without.
    await context.addInitScript((s) => sessionStorage.setItem('wharf.console.session', s), session);
    return context;
  };
  // A round that never shows the list is counted and described, not dropped silently nor allowed to end the run.
  const attempt = async (b: Build, name: string, pages: (next: () => Promise<Page>) => Promise<void>) => {
    const context = await newContext();
    let page: Page | undefined;
    try {
      await pages(async () => (page = await context.newPage()));
    } catch (err) {
      const shot = join(tmpdir(), `wharf-bench-console-${process.pid}-${name.replace(/\W+/g, '-')}-build${builds.indexOf(b) + 1}.png`);
      await page?.screenshot({ path: shot }).catch(() => undefined);
      const text = (await page?.evaluate(() => document.body.innerText.slice(0, 200)).catch(() => '')) ?? '';
      b.failed.push(`${name}: ${(err as Error).message.split('\n')[0]}; page: ${JSON.stringify(text)}; ${shot}`);
    }
    await context.close();
  };
  const round = (b: Build, i: number) =>
    attempt(b, `round ${i + 1}`, async (next) => {
      b.first.push(await clusterList(await next(), b.url));
      b.again.push(await clusterList(await next(), b.url));
      b.floor.push(await staticPage(await next(), b.url));
    });

  const load0 = loadavg();
  // Warm each server and the browser's own start-up out of the figures.
  for (const b of builds) await attempt(b, 'warm-up', async (next) => void (await clusterList(await next(), b.url)));
  for (let i = 0; i < rounds; i++) for (const b of i % 2 === 0 ? builds : [...builds].reverse()) await round(b, i);
  await browser.close();
  const load1 = loadavg();

  const ms = (x: number) => Math.round(x);
  const fmt = (xs: number[]) => `median ${ms(median(xs))} ms (${ms(Math.min(...xs))}-${ms(Math.max(...xs))})`;
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`console: cluster list time to interactive, ${rounds} rounds, Chromium headless`);
  console.log(`  load average at the start ${la(load0)}, at the end ${la(load1)}`);
  for (const b of builds) {
    if (compare) console.log(`  ${b.label}`);
    console.log(`  first visit (empty cache)   ${fmt(b.first)}`);
    console.log(`  return visit (cached)       ${fmt(b.again)}`);
    console.log(`  static page (the floor)     ${fmt(b.floor)}`);
    for (const f of b.failed) console.log(`  FAILED ${f}`);
  }
  const [cur, other] = builds as [Build, Build | undefined];
  if (other) {
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
    console.log(`  ratio this/compared: first visit ${ratio(cur.first, other.first)}, return visit ${ratio(cur.again, other.again)}, static page ${ratio(cur.floor, other.floor)}`);
  }
  const worst = Math.max(median(cur.first), median(cur.again));
  console.log(`  goal         interactive in under 1000 ms: ${worst < 1000 ? 'met' : 'NOT met'} (first ${ms(median(cur.first))} ms, return ${ms(median(cur.again))} ms)`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
