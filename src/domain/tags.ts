// Resource tags as ECS validates them: at most 50 per resource, key 1-128 and value 0-256 characters, and the
// reserved `aws:` prefix refused.
import type { Tag } from '@aws-sdk/client-ecs';
import { InvalidParameter } from './errors.js';

export const MAX_TAGS = 50;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function validateTags(tags: readonly Tag[] | undefined): void {
  for (const t of tags ?? []) {
    if (t.key === undefined || t.key.length < 1 || t.key.length > 128) {
      throw new InvalidParameter('Tag keys must be between 1 and 128 characters.');
    }
    if ((t.value ?? '').length > 256) throw new InvalidParameter('Tag values must be at most 256 characters.');
    if (!ALLOWED.test(t.key) || !ALLOWED.test(t.value ?? '')) {
      throw new InvalidParameter(`Tag '${t.key}' contains characters that are not allowed.`);
    }
    if (t.key.toLowerCase().startsWith('aws:')) {
      throw new InvalidParameter(`Tag keys beginning with 'aws:' are reserved: '${t.key}'.`);
    }
  }
}

/** Adds or overwrites tags by key, keeping the order in which keys first appeared. */
export function mergeTags(current: readonly Tag[] | undefined, added: readonly Tag[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const t of current ?? []) byKey.set(t.key!, t);
  for (const t of added) byKey.set(t.key!, { key: t.key, value: t.value ?? '' });
  if (byKey.size > MAX_TAGS) {
    throw new InvalidParameter(`A resource can have at most ${MAX_TAGS} tags.`);
  }
  return [...byKey.values()];
}

export function removeTags(current: readonly Tag[] | undefined, keys: readonly string[]): Tag[] {
  const drop = new Set(keys);
  return (current ?? []).filter((t) => !drop.has(t.key!));
}

export function initialTags(tags: readonly Tag[] | undefined): Tag[] {
  validateTags(tags);
  return mergeTags([], tags ?? []);
}
