// The `wharf` command once Node 22's compile cache is on (main.ts, bin.ts). A plain `wharf exec` (a process per command,
// often in a loop) skips the command-line parser and everything else: execMain.ts reads its few options and loads only
// the signer and the stream. Every other command, and `wharf exec` with --help or anything it does not know, goes
// through program.ts (commander), loaded only then.
// The build bundles this module with all of `wharf exec`'s (scripts/bundle-server.mjs): one file to load and compile,
// as an ES module (dispatch.js, for main.js) and as CommonJS (wharf.cjs, the installed command). No top-level await
// here or in what it imports statically: CommonJS has none.
import './quietSdk.js';
import { execArgs } from './execArgs.js';
import { runExec } from './execMain.js';

const argv = process.argv.slice(2);
const exec = argv[0] === 'exec' ? execArgs(argv.slice(1)) : undefined;
if (exec) {
  runExec(exec.task, exec.flags).catch((err: unknown) => {
    console.error(`wharf: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else {
  // A failure to load is an unhandled rejection: Node prints it and leaves with code 1, as a failed import did.
  void import('./program.js');
}
