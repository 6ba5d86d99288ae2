// Making a blob visible in a repository. Each link also rewrites the blob's row, so a GC that read the row before
// the link fails its guarded delete and the blob stays.
import { Txn } from '../store/cache.js';
import type { Registry } from './core.js';
import { imageId } from './names.js';

/** Adds to txn the writes that link digest into repo (no-op when already linked with a fresh row). */
export function addLink(reg: Registry, txn: Txn, repo: string, digest: string, size: number): void {
  const { links, blobs } = reg.tables;
  const at = reg.now().toISOString();
  const id = imageId(repo, digest);
  const link = links.get(id);
  if (!link) txn.put(links, id, { repositoryName: repo, digest, size, linkedAt: at }, 0);
  else txn.guard(links, id, link.modRevision);
  const blob = blobs.get(digest);
  txn.put(blobs, digest, { digest, size, lastLinkedAt: at }, blob?.modRevision ?? 0);
}

/** Links a blob already on disk into a repository (after an upload or a cross-repository mount). */
export async function linkBlob(reg: Registry, repo: string, digest: string, size: number): Promise<void> {
  await reg.cache.update(() => {
    const txn = new Txn();
    addLink(reg, txn, repo, digest, size);
    return { txn, result: undefined };
  });
}

/** The size of a blob visible in repo, or undefined. */
export function linkedSize(reg: Registry, repo: string, digest: string): number | undefined {
  return reg.tables.links.get(imageId(repo, digest))?.value.size;
}
