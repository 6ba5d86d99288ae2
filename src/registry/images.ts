// Storing and removing manifests (images) in a repository: the one path both `docker push` (PUT manifest) and ECR's
// PutImage take, with reference checks, tag immutability, and a guarded commit so GC can never pull a referenced
// blob from under a manifest being stored.
import { createHash } from 'node:crypto';
import { Txn } from '../store/cache.js';
import type { Registry } from './core.js';
import { RegistryError } from './errors.js';
import { addLink } from './links.js';
import { MAX_MANIFEST_BYTES, parseManifest } from './manifests.js';
import { imageId, isDigest, isTag, tagId } from './names.js';
import type { ImageRecord } from './tables.js';

export interface PutResult {
  image: ImageRecord;
  /** True when the manifest was new in the repository. */
  created: boolean;
  /** Set when the tag moved away from another image. */
  previousDigest?: string;
}

export async function putManifest(
  reg: Registry, repo: string, ref: string | undefined, body: Buffer, contentType: string | undefined,
): Promise<PutResult> {
  const record = reg.repository(repo);
  if (!record) throw new RegistryError('NAME_UNKNOWN', `The repository with name '${repo}' does not exist in the registry`);
  if (body.length > MAX_MANIFEST_BYTES) {
    throw new RegistryError('MANIFEST_INVALID', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`, undefined, 413);
  }
  const digest = 'sha256:' + createHash('sha256').update(body).digest('hex');
  let tag: string | undefined;
  if (ref !== undefined && isDigest(ref)) {
    if (ref !== digest) throw new RegistryError('DIGEST_INVALID', 'manifest digest did not match the reference', { digest: ref, actual: digest });
  } else if (ref !== undefined) {
    if (!isTag(ref)) throw new RegistryError('TAG_INVALID', `invalid tag '${ref}'`);
    tag = ref;
  }
  const parsed = parseManifest(body, contentType);
  const { links, images, tags, repositories } = reg.tables;
  for (const b of parsed.blobs) {
    if (!links.get(imageId(repo, b.digest))) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: b.digest });
  }
  for (const c of parsed.children) {
    if (!images.get(imageId(repo, c.digest))) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', 'manifest unknown to registry', { digest: c.digest });
  }
  await reg.blobs.withLock(digest, () => reg.blobs.write(digest, body));
  return reg.cache.update(() => {
    const repoRow = repositories.get(repo);
    if (!repoRow) throw new RegistryError('NAME_UNKNOWN', `The repository with name '${repo}' does not exist in the registry`);
    const txn = new Txn().guard(repositories, repo, repoRow.modRevision);
    for (const b of parsed.blobs) {
      const l = links.get(imageId(repo, b.digest));
      if (!l) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: b.digest });
      txn.guard(links, l.id, l.modRevision);
    }
    const existing = images.get(imageId(repo, digest));
    const image: ImageRecord = existing?.value ?? {
      repositoryName: repo, digest, mediaType: parsed.mediaType, artifactType: parsed.artifactType, size: body.length,
      imageSizeInBytes: parsed.imageSizeInBytes, pushedAt: reg.now().toISOString(),
      blobs: parsed.blobs.map((b) => b.digest), children: parsed.children.map((c) => c.digest),
      subject: parsed.subject, annotations: parsed.annotations,
    };
    if (!existing) txn.put(images, imageId(repo, digest), image, 0);
    addLink(reg, txn, repo, digest, body.length);
    let previousDigest: string | undefined;
    if (tag) {
      const cur = tags.get(tagId(repo, tag));
      if (cur && cur.value.digest !== digest) {
        if (repoRow.value.imageTagMutability === 'IMMUTABLE') {
          throw new RegistryError('TAG_INVALID', `The image tag '${tag}' already exists in the '${repo}' repository and cannot be overwritten because the repository is immutable.`);
        }
        previousDigest = cur.value.digest;
      }
      if (!cur || cur.value.digest !== digest) {
        txn.put(tags, tagId(repo, tag), { repositoryName: repo, tag, digest, updatedAt: reg.now().toISOString() }, cur?.modRevision ?? 0);
      }
    }
    return { txn, result: { image, created: !existing, previousDigest } };
  });
}

/** Deletes an image and every tag on it. False when there was no such image. */
export async function deleteImage(reg: Registry, repo: string, digest: string): Promise<boolean> {
  return reg.cache.update(() => {
    const row = reg.tables.images.get(imageId(repo, digest));
    if (!row) return { txn: new Txn(), result: false };
    const txn = new Txn().delete(reg.tables.images, row.id, row.modRevision);
    for (const t of reg.tables.tags.byIndex('image', row.id)) txn.delete(reg.tables.tags, t.id, t.modRevision);
    return { txn, result: true };
  });
}

/** Removes one tag; the image stays (untagged). False when the tag did not exist. */
export async function untag(reg: Registry, repo: string, tag: string): Promise<boolean> {
  return reg.cache.update(() => {
    const row = reg.tables.tags.get(tagId(repo, tag));
    if (!row) return { txn: new Txn(), result: false };
    return { txn: new Txn().delete(reg.tables.tags, row.id, row.modRevision), result: true };
  });
}
