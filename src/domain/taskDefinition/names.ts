// Naming and shape rules ECS checks first: the family, the container list, each container's name and image.
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';

/** Family, container, volume and link names: up to 255 letters, numbers, hyphens and underscores. */
export const NAME = /^[A-Za-z0-9_-]{1,255}$/;

export const MAX_CONTAINERS = 10;

export function checkNames(input: RegisterTaskDefinitionRequest): void {
  const family = input.family ?? '';
  if (family === '') throw new ClientError('Family can not be blank.');
  if (!NAME.test(family)) throw new ClientError('Family contains invalid characters.');

  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0) throw new ClientError('Container list cannot be empty.');
  if (containers.length > MAX_CONTAINERS) throw new ClientError('Too many containers.');

  const seen = new Set<string>();
  for (const c of containers) {
    if (c.name === undefined || c.name === '') throw new ClientError('Container.name should not be null or empty.');
    if (!NAME.test(c.name)) throw new ClientError('Container.name contains invalid characters.');
    if (seen.has(c.name)) throw new ClientError('Container names must be unique within a Task Definition.');
    seen.add(c.name);
    if (c.image === undefined || c.image.trim() === '') {
      throw new ClientError('Container.image should not be null or empty.');
    }
  }
}
