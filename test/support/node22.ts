// Wharf on Node.js 22: the Node and the better-sqlite3 that scripts/node22.sh installs, and a copy of this build's
// dist/ whose node_modules are this checkout's (links), except better-sqlite3, built for Node 22's ABI.
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../e2e/harness.js';

export const NODE22_DIR = process.env.WHARF_NODE22_DIR ?? '/opt/wharf-node22';

export async function node22Wharf(): Promise<{ node: string; bin: string }> {
  const node = join(NODE22_DIR, 'node/bin/node');
  const sqlite = join(NODE22_DIR, 'lib/node_modules/better-sqlite3');
  if (!existsSync(node) || !existsSync(sqlite)) throw new Error(`no Node.js 22 in ${NODE22_DIR}: run scripts/node22.sh (scripts/system-deps.sh does)`);
  const dir = tempDir('wharf-node22-');
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '.bin' || name === 'better-sqlite3') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  symlinkSync(sqlite, join(modules, 'better-sqlite3'));
  return { node, bin: join(dir, 'dist/src/cli/main.js') };
}
