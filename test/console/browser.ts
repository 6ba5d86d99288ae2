// Debian's Chromium driven by playwright-core (no browser download), with the flags this machine's closed network
// needs, and the checks every console page gets: an axe-core scan and a screenshot under test-artifacts/console/.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { ROOT } from '../e2e/harness.js';

export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Chromium {
  server: BrowserServer;
  browser: Browser;
  close(): Promise<void>;
}

/** A browser server (so its process can be checked gone afterwards) and a client connected to it. Playwright gives
 * each launch a fresh, empty profile directory of its own. */
export async function launchChromium(): Promise<Chromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    server,
    browser,
    /** Closes the browser and checks that no process of it (the browser, its zygotes, renderers, utilities) is left. */
    async close() {
      const proc = server.process();
      const started = proc.pid ? [proc.pid, ...descendants(proc.pid)] : [];
      await browser.close().catch(() => undefined);
      await server.close();
      if (proc.exitCode === null && proc.signalCode === null) await new Promise((done) => proc.once('exit', done));
      const deadline = Date.now() + 10_000;
      let left = started.filter(alive);
      while (left.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        left = left.filter(alive);
      }
      for (const pid of left) process.kill(pid, 'SIGKILL');
      if (left.length) throw new Error(`Chromium processes outlived the browser: ${left.join(', ')}`);
    },
  };
}

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // comm may hold spaces and parentheses: the fields after its closing ')' are state, then ppid.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone already
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) if (pp === p) (out.push(child), walk(child));
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const axeSource: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's violations of serious or critical impact on the page as it is now. Evaluated through the DevTools
 * protocol, which the console's Content-Security-Policy (script-src 'self') does not apply to. */
export async function seriousViolations(page: Page): Promise<{ id: string; help: string; targets: string[] }[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
