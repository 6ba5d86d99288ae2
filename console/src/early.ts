// A small entry the page runs as soon as it arrives (index.html loads it `async`), ahead of the console's large
// bundle. It starts the first page's API calls (lib/firstLoad.ts), which the page then takes rather than repeating;
// when the visit opens on the cluster list signed in, it shows that list as plain DOM once the answer is here
// (lib/plainClusterList.ts); then it starts the console: Cloudscape's stylesheet and the main bundle, which index.html
// only preloads, so that neither their parse nor their evaluation holds back the first paint. The main bundle's first
// render replaces the plain list (React empties #root when it first commits), after the stylesheet has applied.
import { stylesheetLoading } from './lib/boot';
import { earlyClusterList } from './lib/firstLoad';
import { renderPlainClusterList } from './lib/plainClusterList';
import { currentPath } from './lib/router';

/** How long the console waits for the early answer before it starts without the plain list: a slow API should not
 * also hold back the bundle, whose evaluation takes about as long on a slow machine. */
const PLAIN_LIST_WAIT_MS = 600;

const domReady = (): Promise<void> =>
  document.readyState === 'loading' ? new Promise((ok) => document.addEventListener('DOMContentLoaded', () => ok(), { once: true })) : Promise.resolve();

// A task after the next frame: by then the browser has painted what was put in the page before it.
const afterPaint = (): Promise<void> => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

/** Shows the plain cluster list when the visit opens on it signed in; a failed answer shows nothing here, and the
 * console's page shows the API's message. An answer later than PLAIN_LIST_WAIT_MS no longer holds the console back,
 * and is still drawn if it comes before the console's first render. */
async function showPlainList(): Promise<void> {
  const early = earlyClusterList();
  if (!early) return;
  const answer = early.clusters.catch(() => undefined);
  const clusters = await Promise.race([answer, new Promise<'late'>((ok) => setTimeout(() => ok('late'), PLAIN_LIST_WAIT_MS))]);
  if (clusters === 'late') {
    void answer.then((late) => late && drawPlainList(early.session, late));
    return;
  }
  if (!clusters || !drawPlainList(early.session, clusters)) return;
  await afterPaint();
  await quietMoment();
}

/** Draws the plain list unless the console's page is there already (or the visit has moved on). */
function drawPlainList(session: Parameters<typeof renderPlainClusterList>[1], clusters: Parameters<typeof renderPlainClusterList>[2]): boolean {
  const root = document.getElementById('root');
  if (!root || root.firstChild || currentPath() !== '/clusters') return false;
  renderPlainClusterList(root, session, clusters);
  keepFocusAcrossSwap(root);
  return true;
}

/** After the plain list has painted, the console's start (the stylesheet's parse, the bundle's evaluation, the first
 * render: some 250 ms of busy main thread on a loaded machine) waits for the page's load event and then a short moment,
 * so that the page answers at once while it is first looked at; the user's first press or key starts it at once (their
 * press itself is kept: links navigate, "Create cluster" and the user's menu open on the real page). */
const SETTLE_MS = 300;

function quietMoment(): Promise<void> {
  return new Promise((ok) => {
    const go = () => {
      document.removeEventListener('pointerdown', go, true);
      document.removeEventListener('keydown', go, true);
      ok();
    };
    document.addEventListener('pointerdown', go, true);
    document.addEventListener('keydown', go, true);
    const settle = () => setTimeout(go, SETTLE_MS);
    if (document.readyState === 'complete') settle();
    else window.addEventListener('load', settle, { once: true });
  });
}

const accessibleName = (el: Element) => el.getAttribute('aria-label') ?? el.textContent?.trim();

/** When the console's first render replaces the plain list, the link or button that had the focus there hands it to
 * its counterpart on the real page (same element, name and address), so a keyboard user does not start over. */
function keepFocusAcrossSwap(root: HTMLElement): void {
  const plain = root.firstElementChild!;
  let focused: Element | undefined;
  plain.addEventListener('focusin', (e) => (focused = e.target as Element));
  const swapped = new MutationObserver(() => {
    if (plain.isConnected) return;
    swapped.disconnect();
    if (!focused || (document.activeElement && document.activeElement !== document.body)) return;
    const was = focused;
    const twin = Array.from(root.querySelectorAll<HTMLElement>(was.tagName)).find(
      (el) => accessibleName(el) === accessibleName(was) && el.getAttribute('href') === was.getAttribute('href'),
    );
    twin?.focus();
  });
  swapped.observe(root, { childList: true });
}

/** The stylesheet and the main bundle, whose addresses the build put on index.html's preload hints. */
function startConsole(): void {
  const styles = document.querySelector<HTMLLinkElement>('link[data-wharf-styles]');
  if (styles) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.crossOrigin = 'anonymous';
    link.href = styles.href;
    stylesheetLoading(new Promise((ok) => (link.onload = link.onerror = () => ok())));
    document.head.append(link);
  }
  const main = document.querySelector<HTMLLinkElement>('link[data-wharf-main]');
  if (main) void import(/* @vite-ignore */ main.href);
}

void domReady()
  .then(showPlainList)
  .catch(() => undefined)
  .then(startConsole);
