// Dependencies point one way (docs/architecture.md): every folder of src/ lists the folders it may import from, and
// nothing else. A new folder fails this test until it is given its place.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

/** Folder -> the folders it may import from (lowest first). */
const ALLOWED: Record<string, string[]> = {
  // Shared leaves: no imports from any other folder.
  models: [],
  logging: [],
  sealing: [],
  imageAuth: [],
  store: [],
  domain: [],
  // Pure placement, then the state the control plane keeps.
  scheduler: ['domain'],
  state: ['domain', 'sealing', 'store'],
  placement: ['domain', 'scheduler', 'state', 'store'],
  // The task: one capability below the API and the controllers.
  tasks: ['domain', 'placement', 'scheduler', 'state', 'store'],
  controllers: ['domain', 'placement', 'scheduler', 'state', 'store', 'tasks'],
  // Side capabilities of the control plane.
  // The server side of the web console only serves files; the console itself talks to the public APIs.
  console: [],
  secrets: ['domain', 'sealing', 'state', 'store'],
  identity: ['domain', 'sealing', 'state', 'store'],
  config: ['dns', 'domain', 'sealing', 'store'],
  // metrics/access.ts checks /metrics scrapes with the gateway's SigV4 verifier.
  metrics: ['domain', 'gateway', 'store'],
  logs: ['domain', 'store'],
  autoscaling: ['domain', 'metrics', 'state', 'store'],
  lb: ['domain', 'store'],
  discovery: ['domain', 'store'],
  efs: ['domain', 'store'],
  dns: ['discovery', 'domain', 'lb', 'store'],
  gateway: ['config', 'domain', 'models', 'sealing'],
  registry: ['config', 'domain', 'gateway', 'imageAuth', 'sealing', 'store'],
  // The agent is another process: it reaches the control plane only over the wire, never its code.
  agent: ['imageAuth'],
  api: ['agent', 'autoscaling', 'config', 'domain', 'gateway', 'lb', 'logs', 'metrics', 'placement', 'registry', 'scheduler', 'sealing', 'secrets', 'state', 'store', 'tasks', 'discovery', 'identity', 'efs'],
  cli: [
    'agent', 'api', 'autoscaling', 'config', 'controllers', 'dns', 'domain', 'gateway', 'imageAuth', 'lb', 'logging', 'logs',
    'metrics', 'placement', 'registry', 'scheduler', 'sealing', 'secrets', 'state', 'store', 'tasks', 'console', 'discovery', 'identity', 'efs',
  ],
};

/** The control plane may use the agent's wire types (both sides of the channel), nothing else of the agent. */
const AGENT_WIRE = 'agent/protocol.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const folders = readdirSync(SRC).filter((f) => statSync(join(SRC, f)).isDirectory());

describe('layering', () => {
  it('gives every folder of src/ its place', () => {
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  for (const folder of folders) {
    const allowed = ALLOWED[folder] ?? [];
    it(`${folder}/ imports only from ${allowed.join(', ') || 'itself'}`, () => {
      const offenders: string[] = [];
      for (const file of files(join(SRC, folder))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/from\s+'(\.[^']+)'/g)) {
          const target = relative(SRC, resolve(file, '..', m[1]!));
          const top = target.split('/')[0]!;
          // Tests beside the code may use the shared test support (test/support/), outside src/.
          if (top === '..' && file.endsWith('.test.ts')) continue;
          if (top === folder || allowed.includes(top)) {
            if (top === 'agent' && folder !== 'agent' && folder !== 'cli' && target.replace(/\.js$/, '.ts') !== AGENT_WIRE) {
              offenders.push(`${relative(SRC, file)} -> ${m[1]} (only ${AGENT_WIRE})`);
            }
            continue;
          }
          offenders.push(`${relative(SRC, file)} -> ${m[1]}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }
});
