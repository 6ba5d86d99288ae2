// The console's first paint on the cluster list (src/early.ts, lib/plainClusterList.ts): with the main bundle held
// back, a signed-in visit to #/clusters shows the list as plain DOM (its links, a working "Create cluster", the keyboard
// order of the real page) with no serious axe-core violation; once the bundle arrives the Cloudscape page replaces it,
// never both at once, styled from its first render, with the early press and focus carried over. A failed early call
// and any other page show nothing early. Against a real `wharf server` (no agent: the list needs none).
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, type Wharf } from '../e2e/harness.js';
import { launchChromium, screenshot, seriousViolations, type Chromium } from './browser.js';

describe("the console's first paint", () => {
  let wharf: Wharf;
  let chrome: Chromium;
  let mainBundle = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    wharf = await startWharf({ mode: 'server' });
    const ecs = wharf.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    ecs.destroy();
    const html = await (await fetch(`${wharf.url}/console/`)).text();
    mainBundle = /<link rel="modulepreload" crossorigin href="([^"]+)" data-wharf-main>/.exec(html)?.[1] ?? '';
    chrome = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await chrome?.close();
    await wharf?.stop();
  });

  /** A signed-in page whose main bundle is held until `release()`; records, when the first element of the real page
   * enters #root, whether Cloudscape's stylesheet had applied. */
  async function heldPage(hash: string, secretAccessKey = TEST_CREDENTIALS.secretAccessKey, listDelayMs = 0): Promise<{ page: Page; context: BrowserContext; release: () => void }> {
    expect(mainBundle).not.toBe('');
    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const session = JSON.stringify({ accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey, region: 'us-east-1' });
    await context.addInitScript((s) => {
      sessionStorage.setItem('wharf.console.session', s);
      const w = window as unknown as { stylesAtAppRender?: boolean };
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of Array.from(r.addedNodes))
            if (w.stylesAtAppRender === undefined && n instanceof HTMLElement && (r.target as HTMLElement).id === 'root' && !n.classList.contains('wharf-early'))
              w.stylesAtAppRender = Array.from(document.styleSheets).some((sheet) => sheet.href?.includes('/console/assets/index-') && sheet.cssRules.length > 1000);
      }).observe(document, { childList: true, subtree: true });
    }, session);
    let release = () => {};
    const released = new Promise<void>((ok) => (release = ok));
    await context.route(`**${mainBundle}`, async (route) => {
      await released;
      await route.continue();
    });
    if (listDelayMs) {
      await context.route((url) => url.pathname === '/', async (route) => {
        if (route.request().headers()['x-amz-target']?.endsWith('.ListClusters')) await new Promise((ok) => setTimeout(ok, listDelayMs));
        await route.continue();
      });
    }
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${wharf.url}/console/#${hash}`);
    return { page, context, release };
  }

  const focusedName = (page: Page) => page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent?.trim()}` : '';
  });

  it('shows the list before the bundle, keyboard-ordered and accessible, then the real page in its place', async () => {
    const { page, context, release } = await heldPage('/clusters');
    try {
      const link = page.getByRole('link', { name: 'default', exact: true });
      await link.waitFor();
      // The plain list, not the app: Cloudscape's selection radios are not there yet.
      expect(await page.locator('.wharf-early').count()).toBe(1);
      expect(await page.getByRole('radio').count()).toBe(0);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Clusters (1)');
      expect(await page.getByRole('columnheader').allTextContents()).toEqual(['Selection', 'Cluster', 'Status', 'Services', 'Running tasks', 'Pending tasks', 'Container instances', 'Capacity providers']);
      expect(await page.getByRole('row').nth(1).textContent()).toContain('ACTIVE');
      await screenshot(page, 'clusters-first-paint');
      expect(await seriousViolations(page)).toEqual([]);

      // The real page's order: the top bar, the navigation, the header's actions, the rows.
      const order: string[] = [];
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('Tab');
        order.push(await focusedName(page));
      }
      expect(order).toEqual([
        'A Wharf',
        `BUTTON Signed in as ${TEST_CREDENTIALS.accessKeyId} · us-east-1`,
        'A Wharf (Amazon ECS)',
        'A Clusters',
        'A Task definitions',
        'A Repositories (ECR)',
        'A Load balancers',
        'A CloudWatch alarms',
        'A CloudWatch Logs',
        'BUTTON Refresh',
        'BUTTON Create cluster',
        'A default',
      ]);
      // Still the plain list: the keys started the bundle, which is held.
      expect(await page.locator('.wharf-early').count()).toBe(1);

      release();
      await page.getByRole('radio', { name: 'Select cluster default' }).waitFor();
      expect(await page.locator('.wharf-early').count()).toBe(0);
      expect(await link.count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Create cluster' }).count()).toBe(1);
      expect(await page.evaluate(() => (window as unknown as { stylesAtAppRender?: boolean }).stylesAtAppRender)).toBe(true);
      // The focus moved with the swap, to the real page's link.
      await expect.poll(() => focusedName(page)).toBe('A default');
    } finally {
      await context.close();
    }
  });

  it('keeps a press of "Create cluster" made before the bundle: the real page opens its dialog', async () => {
    const { page, context, release } = await heldPage('/clusters');
    try {
      await page.getByRole('link', { name: 'default', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Create cluster' }).click();
      release();
      const name = page.locator('input[name=clusterName] >> visible=true');
      await name.fill('made-early');
      await page.locator('[data-testid=confirm] >> visible=true').click();
      await page.getByRole('link', { name: 'made-early', exact: true }).waitFor();
      expect(await page.getByRole('link', { name: 'default', exact: true }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('draws the list from a slow early answer too, while the console has not rendered', async () => {
    const { page, context, release } = await heldPage('/clusters', undefined, 1500);
    try {
      // The console starts without waiting for the answer (its stylesheet is added)...
      await page.locator('link[rel=stylesheet][href*="/console/assets/index-"]').waitFor({ state: 'attached' });
      expect(await page.locator('.wharf-early').count()).toBe(0);
      // ...and the list is drawn when the answer comes, the bundle being held back still.
      await page.getByRole('link', { name: 'default', exact: true }).waitFor();
      expect(await page.locator('.wharf-early').count()).toBe(1);
      release();
      await page.getByRole('radio').first().waitFor();
      expect(await page.locator('.wharf-early').count()).toBe(0);
      expect(await page.getByRole('link', { name: 'default', exact: true }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it("shows nothing early when the early call fails, and the app shows the API's message", async () => {
    const { page, context, release } = await heldPage('/clusters', 'not-the-secret');
    try {
      // The console is started (its stylesheet added) only after the early call has settled.
      await page.locator('link[rel=stylesheet][href*="/console/assets/index-"]').waitFor({ state: 'attached' });
      expect(await page.locator('#root').innerHTML()).toBe('');
      release();
      const alert = page.locator('[data-testid=api-error]');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('The request signature we calculated does not match');
      expect(await page.locator('.wharf-early').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('shows nothing early on any other page', async () => {
    const { page, context, release } = await heldPage('/task-definitions');
    try {
      await page.locator('link[rel=stylesheet][href*="/console/assets/index-"]').waitFor({ state: 'attached' });
      expect(await page.locator('#root').innerHTML()).toBe('');
      release();
      await page.getByRole('heading', { name: /^Task definitions/ }).waitFor();
      expect(await page.locator('.wharf-early').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
