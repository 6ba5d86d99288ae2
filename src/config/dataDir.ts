// The data directory holds the root keys (credentials.json), the sealing key, state.db (agents' instance credentials,
// the registry's signing key, sealed), logs and images: nobody but Wharf's own user should read any of it. New files
// are private through the process umask (see privateFiles() in cli/main.ts); this tightens what an older Wharf, or a
// directory made by hand, left readable to others, and says so.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/**
 * Content-addressed image layers can be very many; they were always written 0600, and the data directory's own 0700
 * already closes them to others, so start-up does not stat each one.
 */
const SKIP = new Set([join('registry', 'blobs')]);

/** Creates `dir` 0700, or tightens it and everything in it; returns the paths (relative to `dir`) it tightened. */
export function secureDataDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  const tightened: string[] = [];
  const visit = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? DIR_MODE : FILE_MODE;
    if ((st.mode & 0o777 & ~want) !== 0) {
      chmodSync(path, st.mode & 0o777 & want);
      tightened.push(relative(dir, path) || '.');
    }
    if (st.isDirectory() && !SKIP.has(relative(dir, path))) {
      for (const name of readdirSync(path)) visit(join(path, name));
    }
  };
  visit(dir);
  return tightened;
}
