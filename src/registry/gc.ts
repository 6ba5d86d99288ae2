// Garbage collection: drops blob links no manifest in their repository needs, then blobs no repository links, then
// files on disk with no row (a crash between rename and commit) and abandoned uploads. Every delete is guarded by the
// revision GC read, and a blob file goes only under its digest lock, so a concurrent push always wins.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, Txn } from '../store/cache.js';
import type { Registry } from './core.js';
import { imageId } from './names.js';

export interface GcReport {
  links: number;
  blobs: number;
  orphans: number;
  uploads: number;
}

export async function collectGarbage(reg: Registry, graceMs = reg.opts.gcGraceMs, uploadTtlMs = 24 * 3600_000): Promise<GcReport> {
  const { images, links, blobs } = reg.tables;
  const cutoff = reg.now().getTime() - graceMs;
  const report: GcReport = { links: 0, blobs: 0, orphans: 0, uploads: 0 };
  const needed = new Set<string>();
  for (const { value: i } of images.values()) {
    needed.add(imageId(i.repositoryName, i.digest));
    for (const d of [...i.blobs, ...i.children]) needed.add(imageId(i.repositoryName, d));
  }
  for (const row of [...links.values()]) {
    if (needed.has(row.id) || Date.parse(row.value.linkedAt) > cutoff) continue;
    if (await tryCommit(reg, new Txn().delete(links, row.id, row.modRevision))) report.links++;
  }
  for (const row of [...blobs.values()]) {
    if (links.countByIndex('digest', row.id) > 0 || Date.parse(row.value.lastLinkedAt) > cutoff) continue;
    await reg.blobs.withLock(row.id, async () => {
      if (!(await tryCommit(reg, new Txn().delete(blobs, row.id, row.modRevision)))) return;
      await reg.blobs.remove(row.id);
      report.blobs++;
    });
  }
  for await (const f of reg.blobs.list()) {
    if (blobs.get(f.digest) || f.mtimeMs > cutoff) continue;
    await reg.blobs.withLock(f.digest, async () => {
      if (blobs.get(f.digest)) return;
      await reg.blobs.remove(f.digest);
      report.orphans++;
    });
  }
  const stale = reg.now().getTime() - uploadTtlMs;
  for (const name of await readdir(reg.blobs.uploadsDir).catch(() => [] as string[])) {
    const p = join(reg.blobs.uploadsDir, name);
    const st = await stat(p).catch(() => undefined);
    if (st && st.mtimeMs < stale) {
      await rm(p, { force: true });
      if (!name.endsWith('.json')) report.uploads++;
    }
  }
  return report;
}

async function tryCommit(reg: Registry, txn: Txn): Promise<boolean> {
  try {
    await reg.cache.commit(txn);
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
}
