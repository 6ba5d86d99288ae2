// Custom attributes on container instances (used by placement constraints): ECS's limits on names and values.
import type { Attribute } from '@aws-sdk/client-ecs';
import { AttributeLimitExceeded, InvalidParameter } from './errors.js';

const NAME = /^[a-zA-Z0-9_./-]{1,128}$/;
const VALUE = /^[a-zA-Z0-9_.@/\\: -]{1,128}$/;
/** ECS allows 10 custom attributes per resource; the built-in ecs.* ones do not count. */
export const MAX_CUSTOM_ATTRIBUTES = 10;

export function validateAttribute(a: Attribute): void {
  if (!NAME.test(a.name ?? '')) {
    throw new InvalidParameter(
      `Attribute name '${a.name}' is invalid: up to 128 letters, numbers, hyphens, underscores, forward slashes and periods.`,
    );
  }
  if (a.value !== undefined && !VALUE.test(a.value)) {
    throw new InvalidParameter(
      `Attribute value '${a.value}' is invalid: up to 128 letters, numbers, hyphens, underscores, periods, at signs, forward slashes, back slashes, colons and spaces.`,
    );
  }
  if (a.targetType !== undefined && a.targetType !== 'container-instance') {
    throw new InvalidParameter(`Invalid targetType '${a.targetType}': only container-instance is supported.`);
  }
}

export const isBuiltin = (name: string) => name.startsWith('ecs.') || name.startsWith('com.amazonaws.ecs.');

/** The attribute list after setting `added` (by name); refuses more than ECS's custom-attribute limit. */
export function putAttributes(current: readonly Attribute[], added: readonly Attribute[]): Attribute[] {
  const byName = new Map(current.map((a) => [a.name!, a]));
  for (const a of added) byName.set(a.name!, a.value === undefined ? { name: a.name } : { name: a.name, value: a.value });
  const all = [...byName.values()];
  if (all.filter((a) => !isBuiltin(a.name!)).length > MAX_CUSTOM_ATTRIBUTES) {
    throw new AttributeLimitExceeded(`A container instance can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
  }
  return all;
}
