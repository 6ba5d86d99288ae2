// The cluster list as plain DOM, shown by src/early.ts before the console's bundle has arrived: the same page as
// pages/Clusters.tsx in the console's shell (top bar, side navigation, header, table), with the look of Cloudscape's
// components from a small stylesheet of its own, so nothing jumps when the real page takes its place. It needs
// neither React nor Cloudscape's stylesheet. Links work as links; "Create cluster" is remembered and opens the real
// page's dialog as soon as that page renders, the user's menu button its menu; "Refresh" reloads the rows.
import type { Cluster } from '@aws-sdk/client-ecs';
import type { Session } from '../aws/session';
import { loadClusters, pressEarly } from './firstLoad';
import { enc } from './format';
import css from './plainClusterList.css?inline';
import topBarCss from './topBar.css?inline';

type Child = Node | string;

function h(tag: string, attrs: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== false) el.setAttribute(k, v === true ? '' : v);
  el.append(...children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A 16x16 icon drawn with strokes, hidden from assistive technology as Cloudscape's are. */
function icon(className: string, shapes: string[][]): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', className);
  for (const [tag, ...attrs] of shapes) {
    const shape = document.createElementNS(SVG, tag!);
    for (const a of attrs) {
      const [k, v] = a.split('=');
      shape.setAttribute(k!, v!);
    }
    svg.append(shape);
  }
  return svg;
}

const COLUMNS = ['Cluster', 'Status', 'Services', 'Running tasks', 'Pending tasks', 'Container instances', 'Capacity providers'];

function row(c: Cluster): HTMLElement {
  const active = c.status === 'ACTIVE';
  const status = h(
    'span',
    { class: `wharf-early-status ${active ? 'wharf-early-success' : 'wharf-early-stopped'}` },
    active
      ? icon('', [['circle', 'cx=8', 'cy=8', 'r=7'], ['path', 'd=M4.5 7.5 7 10l4-5']])
      : icon('', [['circle', 'cx=8', 'cy=8', 'r=7'], ['path', 'd=M5 8h6']]),
    c.status ?? '-',
  );
  return h(
    'tr',
    {},
    h('td', { class: 'wharf-early-select' }, h('span', { class: 'wharf-early-radio', 'aria-hidden': 'true' })),
    h('th', { scope: 'row' }, h('a', { class: 'wharf-early-link', href: `#/clusters/${enc(c.clusterName ?? '')}` }, c.clusterName ?? '')),
    h('td', {}, status),
    h('td', {}, String(c.activeServicesCount ?? 0)),
    h('td', {}, String(c.runningTasksCount ?? 0)),
    h('td', {}, String(c.pendingTasksCount ?? 0)),
    h('td', {}, String(c.registeredContainerInstancesCount ?? 0)),
    h('td', {}, (c.capacityProviders ?? []).join(', ') || '-'),
  );
}

function rows(clusters: Cluster[]): HTMLElement[] {
  if (clusters.length) return clusters.map(row);
  return [h('tr', {}, h('td', { class: 'wharf-early-empty', colspan: String(COLUMNS.length + 1) }, 'No clusters'))];
}

function navLinks(items: [string, string][], current: string): HTMLElement {
  return h('ul', {}, ...items.map(([text, href]) => h('li', {}, h('a', { href, ...(href === current ? { 'aria-current': 'page' } : {}) }, text))));
}

/** Fills `root` with the plain cluster list for `clusters`. */
export function renderPlainClusterList(root: HTMLElement, session: Session, clusters: Cluster[]): void {
  if (!document.getElementById('wharf-early-style')) document.head.append(h('style', { id: 'wharf-early-style' }, topBarCss + css));
  const counter = h('span', { class: 'wharf-early-counter' }, `(${clusters.length})`);
  const body = h('tbody', {}, ...rows(clusters));
  const refresh = h('button', { type: 'button', class: 'wharf-early-button wharf-early-icon', 'aria-label': 'Refresh' }, icon('', [['path', 'd=M15 0v5l-5-.04'], ['path', 'd=M15 8c0 3.87-3.13 7-7 7s-7-3.13-7-7 3.13-7 7-7c2.79 0 5.2 1.63 6.33 4']]));
  refresh.addEventListener('click', () =>
    loadClusters(session).then(
      (c) => {
        counter.textContent = `(${c.length})`;
        body.replaceChildren(...rows(c));
      },
      () => undefined, // the console's own page shows the error once it renders
    ),
  );
  const create = h('button', { type: 'button', class: 'wharf-early-button wharf-early-primary' }, 'Create cluster');
  create.addEventListener('click', () => pressEarly('create-cluster'));
  // lib/TopBar.tsx's menu button, whose menu opens when the console arrives.
  const label = `${session.accessKeyId} · ${session.region}`;
  const user = h(
    'button',
    { type: 'button', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-label': `Signed in as ${label}` },
    icon('', [['circle', 'cx=8', 'cy=4.5', 'r=3.5'], ['path', 'd=M1 15.5c0-3.87 3.13-6 7-6s7 2.13 7 6']]),
    h('span', {}, label),
    icon('wharf-top-bar-caret', [['path', 'd=M4 5h8l-4 6-4-6z']]),
  );
  user.addEventListener('click', () => pressEarly('user-menu'));
  root.replaceChildren(
    h(
      'div',
      { class: 'wharf-early' },
      h(
        'header',
        { class: 'wharf-top-bar' },
        h('a', { class: 'wharf-top-bar-identity', href: '#/clusters' }, 'Wharf'),
        h('div', { class: 'wharf-top-bar-user' }, user),
      ),
      h(
        'div',
        { class: 'wharf-early-body' },
        h(
          'nav',
          { class: 'wharf-early-nav', 'aria-label': 'Navigation' },
          h('h2', {}, h('a', { href: '#/clusters' }, 'Wharf (Amazon ECS)'), icon('wharf-early-nav-close', [['path', 'd=M11 2 5 8l6 6']])),
          h('hr'),
          navLinks([['Clusters', '#/clusters'], ['Task definitions', '#/task-definitions']], '#/clusters'),
          h('hr', { class: 'wharf-early-divider' }),
          navLinks(
            [
              ['Repositories (ECR)', '#/repositories'],
              ['Load balancers', '#/load-balancers'],
              ['CloudWatch alarms', '#/alarms'],
              ['CloudWatch Logs', '#/logs'],
            ],
            '',
          ),
        ),
        h(
          'main',
          { class: 'wharf-early-content' },
          h(
            'div',
            { class: 'wharf-early-header' },
            h('h1', {}, 'Clusters ', counter),
            h('div', { class: 'wharf-early-actions' }, refresh, h('button', { type: 'button', class: 'wharf-early-button', disabled: true }, 'Delete cluster'), create),
          ),
          h(
            'table',
            { 'aria-label': 'Clusters' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'wharf-early-select' }, h('span', { class: 'wharf-early-hidden' }, 'Selection')), ...COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
            body,
          ),
        ),
      ),
    ),
  );
}
