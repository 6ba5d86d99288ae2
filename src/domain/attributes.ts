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

/** What Wharf's agent says about its host: Wharf's counterpart of ECS's own attributes, so not custom ones. */
const WHARF_SET = new Set(['wharf.publish-address', 'wharf.awsvpc-address-mode', 'wharf.capacity.fargate', 'wharf.task-address-pool']);

export const isBuiltin = (name: string) => name.startsWith('ecs.') || name.startsWith('com.amazonaws.ecs.') || WHARF_SET.has(name);

/**
 * A bound on every attribute of an instance, built-in ones included, so a registration cannot store an unbounded list
 * under capability names (ECS's agent declares about 60). Wharf's own bound: ECS does not document one.
 */
export const MAX_ATTRIBUTES = 200;

/** Refuses an instance's attribute list beyond ECS's custom-attribute limit (or Wharf's bound on all of them). */
export function checkAttributeLimits(all: readonly Attribute[]): void {
  if (all.filter((a) => !isBuiltin(a.name!)).length > MAX_CUSTOM_ATTRIBUTES) {
    throw new AttributeLimitExceeded(
      `You can apply up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes for each resource. You can view the attributes of a resource with ListAttributes. You can remove existing attributes on a resource with DeleteAttributes.`,
    );
  }
  if (all.length > MAX_ATTRIBUTES) throw new InvalidParameter(`A container instance can have at most ${MAX_ATTRIBUTES} attributes.`);
}

/** The attribute list after setting `added` (by name); refuses more than ECS's custom-attribute limit. */
export function putAttributes(current: readonly Attribute[], added: readonly Attribute[]): Attribute[] {
  const byName = new Map(current.map((a) => [a.name!, a]));
  for (const a of added) byName.set(a.name!, a.value === undefined ? { name: a.name } : { name: a.name, value: a.value });
  const all = [...byName.values()];
  checkAttributeLimits(all);
  return all;
}
