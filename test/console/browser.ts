// Debian's Chromium driven by playwright-core (no browser download), with the flags this machine's closed network
// needs, and the checks every console page gets: an axe-core scan and a screenshot under test-artifacts/console/.
import { mkdirSync } from 'node:fs';
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
    async close() {
      await browser.close().catch(() => undefined);
      const proc = server.process();
      await server.close();
      if (proc.exitCode === null && proc.signalCode === null) await new Promise((done) => proc.once('exit', done));
    },
  };
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
