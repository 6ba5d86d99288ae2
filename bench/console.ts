// The web console's cluster list: time from navigation start to the list showing its first cluster with the
// "Create cluster" button usable, as Chromium's own clock reads it (performance.now() at that moment), against a
// Wharf `server`. Two cases: a first visit (a fresh browser context, empty cache) and a return visit (the same
// context, a new page: the hashed assets come from the browser's cache, as they do for a user who comes back).
// The peer, in the same run: a static page of the same server (the console's index.html with no script), which is
// the browser's own floor for a navigation here. Goal (the console issue): interactive in under one second.
// Run: npm run build && node dist/bench/console.js [--rounds 7]
import { chromium } from 'playwright-core';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { arg, median, startServer } from './support.js';

const rounds = arg('rounds', 7);
const creds = { accessKeyId: 'AKIAWHARFBENCH000018', secretAccessKey: 'wharf-bench-console-secret' };
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main() {
  const { url, proc } = await startServer({ credentials: creds, command: 'server' });
  process.on('exit', () => proc.kill('SIGKILL'));
  const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds });
  await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  const session = JSON.stringify({ ...creds, region: 'us-east-1' });

  const newContext = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Signed in: the console keeps the key pair in sessionStorage, which a new page of the context starts without.
    await context.addInitScript((s) => sessionStorage.setItem('wharf.console.session', s), session);
    return context;
  };
  const clusterList = async (page: import('playwright-core').Page) => {
    await page.goto(`${url}/console/#/clusters`);
    await page.getByRole('link', { name: 'default', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create cluster' }).click({ trial: true });
    return page.evaluate(() => performance.now());
  };
  const staticPage = async (page: import('playwright-core').Page) => {
    await page.route('**/console/static-floor', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>floor</title><a href="#">default</a>' }));
    await page.goto(`${url}/console/static-floor`);
    await page.getByRole('link', { name: 'default' }).waitFor();
    return page.evaluate(() => performance.now());
  };

  const first: number[] = [];
  const again: number[] = [];
  const floor: number[] = [];
  // Warm the server and the browser's own start-up out of the figures.
  { const c = await newContext(); await clusterList(await c.newPage()); await c.close(); }
  for (let i = 0; i < rounds; i++) {
    const context = await newContext();
    first.push(await clusterList(await context.newPage()));
    again.push(await clusterList(await context.newPage()));
    floor.push(await staticPage(await context.newPage()));
    await context.close();
  }
  await browser.close();
  ecs.destroy();
  const fmt = (xs: number[]) => `median ${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})`;
  console.log(`console: cluster list time to interactive, ${rounds} rounds, Chromium headless`);
  console.log(`  first visit (empty cache)   ${fmt(first)}`);
  console.log(`  return visit (cached)       ${fmt(again)}`);
  console.log(`  static page (the floor)     ${fmt(floor)}`);
  const worst = Math.max(median(first), median(again));
  console.log(`  goal         interactive in under 1000 ms: ${worst < 1000 ? 'met' : 'NOT met'} (first ${Math.round(median(first))} ms, return ${Math.round(median(again))} ms)`);
  proc.kill('SIGTERM');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
