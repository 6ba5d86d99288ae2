// Dependencies point one way (docs/architecture.md): the lower layers never import the upper ones.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

/** Layer -> folders it must never import from. */
const FORBIDDEN: Record<string, string[]> = {
  domain: ['gateway', 'api', 'agent', 'cli', 'store', 'state', 'controllers', 'placement', 'tasks', 'scheduler'],
  scheduler: ['gateway', 'api', 'agent', 'cli', 'store', 'state', 'controllers', 'placement', 'tasks'],
  store: ['gateway', 'api', 'agent', 'cli', 'controllers', 'placement', 'tasks', 'scheduler', 'domain'],
  state: ['gateway', 'api', 'agent', 'cli', 'controllers', 'placement'],
  tasks: ['gateway', 'api', 'agent', 'cli', 'controllers'],
  placement: ['gateway', 'api', 'agent', 'cli', 'controllers'],
  controllers: ['gateway', 'api', 'cli'],
  secrets: ['gateway', 'api', 'agent', 'cli', 'controllers', 'placement', 'tasks'],
  identity: ['gateway', 'api', 'agent', 'cli', 'controllers', 'placement', 'tasks'],
  gateway: ['api', 'agent', 'cli', 'controllers', 'placement', 'tasks', 'state'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('layering', () => {
  for (const [layer, banned] of Object.entries(FORBIDDEN)) {
    it(`${layer}/ imports nothing from ${banned.join(', ')}`, () => {
      const offenders: string[] = [];
      for (const file of files(join(SRC, layer))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/from\s+'(\.[^']+)'/g)) {
          const target = relative(SRC, resolve(file, '..', m[1]!)).split('/')[0]!;
          if (banned.includes(target)) offenders.push(`${relative(SRC, file)} -> ${m[1]}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }
});
