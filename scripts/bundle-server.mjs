// Bundles the `wharf` command's parser and everything it loads from Wharf's own compiled modules (dist/src) into one
// file, written over dist/src/cli/program.js, so a start reads and compiles one file instead of some 400 (about a
// third of the CPU time to the first answer). Packages in node_modules stay outside (imported as before), and so do
// the entries of other processes and threads (load balancer worker, relay worker, agent thread): they are found
// beside the modules that start them, as `import.meta.url` in each bundled module is rewritten to that module's own
// place in dist/src. `tsc` alone writes the unbundled program.js back, which works the same, only slower to start.
// Run after tsc: node scripts/bundle-server.mjs
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'dist', 'src');
const entry = join(src, 'cli', 'program.js');

/** Each module's import.meta.url, as the URL of its own file relative to the bundle's (so dist/ can move). */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(src + sep)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      let rel = relative(dirname(entry), args.path).split(sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

// What the parser loads only for one command (`import()`: the control plane, the agent, logs, spot) goes into chunks of
// its own beside program.js, so a package only one of them imports (etcd's client, the AWS SDK, Docker's client) is
// still loaded only by the command that needs it. A build removes the chunks of the build before.
const cli = dirname(entry);
for (const f of await readdir(cli)) if (/^program-[A-Z0-9]+\.js(\.map)?$/.test(f)) await rm(join(cli, f));
const out = await build({
  entryPoints: [entry],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  write: false,
  outdir: cli,
  entryNames: '[name]',
  chunkNames: 'program-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [ownUrl],
});
for (const f of out.outputFiles) await writeFile(f.path, f.contents);

// `wharf exec` is a process per command: main.js's dispatcher and the whole exec path (options, signing, HTTP, the
// WebSocket client) go into one file, written over dist/src/cli/dispatch.js, so it loads one module after
// compileCache.js instead of eight. The parser (program.js) and the data directory's modules stay outside, loaded
// only when a command needs them.
const dispatch = join(cli, 'dispatch.js');
const lazy = { name: 'dispatch-lazy', setup(b) { b.onResolve({ filter: /^\.\/program\.js$|^\.\.\/config\// }, (a) => ({ path: a.path, external: true })); } };
const exec = await build({
  entryPoints: [dispatch],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  write: false,
  outfile: dispatch,
  allowOverwrite: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lazy, ownUrl],
});
for (const f of exec.outputFiles) await writeFile(f.path, f.contents);

// The installed command (package.json "bin"): bin.js, i.e. the compile cache and the same dispatcher, as CommonJS, so
// a plain `wharf exec` never starts Node's loader for ES modules (src/cli/bin.ts). Its import.meta.url (builtins.ts,
// for Node releases without getBuiltinModule) is the file's own URL.
// Run as a command, the file is first a shell script (its second line is a no-op string and a comment to JavaScript):
// Node 20 reads and parses every certificate in NODE_EXTRA_CA_CERTS as it starts (about 45 ms for Debian's bundle;
// Node 22 waits until a TLS connection needs them), and `wharf exec` to an http:// endpoint makes no TLS connection,
// so for it the variable is left out. Anything else, or an https endpoint, keeps it; `node wharf.cjs` runs the
// JavaScript alone.
const launcher = [
  '#!/bin/sh',
  '":" //; case "$1" in exec) case " $* ${AWS_ENDPOINT_URL-}" in *[Hh][Tt][Tt][Pp][Ss]:*) ;; *) unset NODE_EXTRA_CA_CERTS ;; esac ;; esac; exec node "$0" "$@"',
].join('\n');
const binFile = join(cli, 'wharf.cjs');
const bin = await build({
  entryPoints: [join(cli, 'bin.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  write: false,
  outfile: binFile,
  banner: { js: `${launcher}\nconst __wharfUrl = require("node:url").pathToFileURL(__filename).href;` },
  define: { 'import.meta.url': '__wharfUrl' },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lazy],
});
for (const f of bin.outputFiles) {
  await writeFile(f.path, f.contents);
  // The command itself is run as a file (its launcher); a mode given to writeFile applies only to a new file.
  if (f.path.endsWith('.cjs')) await chmod(f.path, 0o755);
}
