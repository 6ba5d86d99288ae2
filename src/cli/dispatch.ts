// The `wharf` command once Node 22's compile cache is on (main.ts). A plain `wharf exec` (a process per command, often in a loop) skips the command-line parser
// and everything else: execMain.ts reads its few options and loads only the signer and the stream. Every other
// command, and `wharf exec` with --help or anything it does not know, goes through program.ts (commander).
// The build bundles this module with all of `wharf exec`'s (scripts/bundle-server.mjs): one file to load and compile.
await import('./quietSdk.js');
const { execArgs } = await import('./execArgs.js');

const argv = process.argv.slice(2);
const exec = argv[0] === 'exec' ? execArgs(argv.slice(1)) : undefined;
if (exec) {
  const { runExec } = await import('./execMain.js');
  await runExec(exec.task, exec.flags).catch((err: unknown) => {
    console.error(`wharf: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else {
  await import('./program.js');
}
