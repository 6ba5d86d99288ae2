// What the first page of a visit needs, started before the rest of the console has loaded: the console's bundle
// takes most of a second to evaluate on a slow machine, and the page's own chunk and its API answers would otherwise
// wait for it and then for the first render. src/early.ts, a small script of its own that the page runs as soon as it
// arrives, starts the data; main.tsx imports this module first, so the same answers (one module instance) reach the
// page, and starts the page's chunk ahead of the UI library.
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
const early = opened && currentPath() === '/clusters' ? { session: opened, clusters: loadClusters(opened), at: Date.now() } : undefined;
// Nothing waits on it until the page takes it; a failure is seen (and retried) by the page's own call.
early?.clusters.catch(() => undefined);

/** The cluster list answer started at load, once, for the session it was started with. The first render of the
 * page takes it however long the bundle took on a slow machine; a minute bounds how stale it can be if the user went
 * elsewhere first (the page's next poll replaces it anyway). */
export function takeEarlyClusters(session: Session): Promise<Cluster[]> | undefined {
  if (!early || early.session.accessKeyId !== session.accessKeyId || Date.now() - early.at > 60_000) return undefined;
  const p = early.clusters;
  early.at = 0;
  return p;
}

/** Whether the cluster list is the page this visit opens on (signed in, at the landing page). */
export const opensOnClusters = early !== undefined;
