// What the first page of a visit needs, started before the rest of the console has loaded: the console's bundle
// takes most of a second to evaluate on a slow machine, and the page's API answers would otherwise wait for it and
// then for the first render. src/early.ts, a small script of its own that the page runs as soon as it arrives, starts
// the data; main.tsx imports this module too (one module instance), waits briefly for the answer before its first
// render (earlyClustersSettled), and the page shows it in that render (takeSettledEarlyClusters).
import type { Cluster, DescribeClustersResponse, ListClustersResponse } from '@aws-sdk/client-ecs';
import { ecs } from '../aws/apis';
import { loadSession, type Session } from '../aws/session';
import { currentPath } from './router';

export async function listAll<T>(page: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...p.items);
    token = p.next;
  } while (token);
  return out;
}

export async function loadClusters(session: Session): Promise<Cluster[]> {
  const arns = await listAll(async (nextToken) => {
    const r = await ecs<ListClustersResponse>(session, 'ListClusters', { nextToken });
    return { items: r.clusterArns ?? [], next: r.nextToken };
  });
  const out: Cluster[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const r = await ecs<DescribeClustersResponse>(session, 'DescribeClusters', { clusters: arns.slice(i, i + 100) });
    out.push(...(r.clusters ?? []));
  }
  return out.sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''));
}

const opened = loadSession();
// Only the cluster list, the landing page, is started early; any other page loads as it renders.
const early: { session: Session; clusters: Promise<Cluster[]>; at: number; value?: Cluster[] } | undefined =
  opened && currentPath() === '/clusters' ? { session: opened, clusters: loadClusters(opened), at: Date.now() } : undefined;
// Kept once it arrives, for a first render that can show it at once; a failure is seen (and retried) by the page's
// own call.
if (early)
  early.clusters.then(
    (v) => (early.value = v),
    () => undefined,
  );

/** The early cluster list's call and its session, when the visit opens on the list signed in: src/early.ts shows it
 * as plain DOM before the main bundle has arrived (lib/plainClusterList.ts). */
export function earlyClusterList(): { session: Session; clusters: Promise<Cluster[]> } | undefined {
  return early && { session: early.session, clusters: early.clusters };
}

// What was pressed on the plain list before the console arrived ("Create cluster", the user's menu): the real page
// opens the same dialog or menu in its first render, so the press is not lost.
type EarlyPress = 'create-cluster' | 'user-menu';
const pressed = new Set<EarlyPress>();

export function pressEarly(what: EarlyPress): void {
  pressed.add(what);
}

/** Whether `what` was pressed before the console arrived; true once. */
export function takeEarlyPress(what: EarlyPress): boolean {
  return pressed.delete(what);
}

/** Resolves when the early cluster list has its answer (or failed), or after `maxMs`, whichever comes first; at once
 * when the visit does not open on the cluster list. main.tsx renders after it, so that a list which arrives just after
 * the bundle is in the first render rather than in one after a spinner. */
export function earlyClustersSettled(maxMs: number): Promise<void> {
  if (!early || early.value) return Promise.resolve();
  return Promise.race([early.clusters.then(() => undefined, () => undefined), new Promise<void>((ok) => setTimeout(ok, maxMs))]);
}

/** The cluster list answer started at load, once, for the session it was started with. The first render of the
 * page takes it however long the bundle took on a slow machine; a minute bounds how stale it can be if the user went
 * elsewhere first (the page's next poll replaces it anyway). */
export function takeEarlyClusters(session: Session): Promise<Cluster[]> | undefined {
  if (!early || early.session.accessKeyId !== session.accessKeyId || Date.now() - early.at > 60_000) return undefined;
  const p = early.clusters;
  early.at = 0;
  return p;
}

/** The early cluster list if it has already arrived (taken once, as takeEarlyClusters), for the page's first render. */
export function takeSettledEarlyClusters(session: Session): Cluster[] | undefined {
  if (!early?.value || early.session.accessKeyId !== session.accessKeyId || Date.now() - early.at > 60_000) return undefined;
  early.at = 0;
  return early.value;
}
