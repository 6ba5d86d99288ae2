// Applies lifecycle policies to the stored images: `runLifecycle` expires what the rules select (on every sweep and
// right after a policy is put), `previewLifecycle` computes the same without deleting anything.
import { Txn } from '../store/cache.js';
import type { Registry } from './core.js';
import { deleteImage } from './images.js';
import { evaluateLifecycle, parseLifecyclePolicy, type Expiry } from './lifecycle.js';

export function previewLifecycle(reg: Registry, repo: string, policyText: string): Expiry[] {
  const rules = parseLifecyclePolicy(policyText);
  const images = reg.imagesOf(repo).map((i) => ({ digest: i.digest, tags: reg.tagsOf(repo, i.digest), pushedAt: new Date(i.pushedAt) }));
  return evaluateLifecycle(rules, images, reg.now());
}

/** Expires images in one repository (or every repository with a policy). Returns what was expired. */
export async function runLifecycle(reg: Registry, only?: string): Promise<Expiry[]> {
  const expired: Expiry[] = [];
  for (const row of [...reg.tables.repositories.values()]) {
    if ((only && row.id !== only) || !row.value.lifecyclePolicyText) continue;
    for (const e of previewLifecycle(reg, row.id, row.value.lifecyclePolicyText)) {
      if (await deleteImage(reg, row.id, e.digest)) expired.push(e);
    }
    const at = reg.now().toISOString();
    await reg.cache.update(() => {
      const cur = reg.tables.repositories.get(row.id);
      if (!cur) return { txn: new Txn(), result: undefined };
      return { txn: new Txn().put(reg.tables.repositories, row.id, { ...cur.value, lifecycleEvaluatedAt: at }, cur.modRevision), result: undefined };
    });
  }
  return expired;
}
