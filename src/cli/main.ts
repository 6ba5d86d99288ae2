#!/usr/bin/env node
// The `wharf` command. A plain `wharf exec` (a process per command, often in a loop) skips the command-line parser
// and everything else: execMain.ts reads its few options and loads only the signer and the stream. Every other
// command, and `wharf exec` with --help or anything it does not know, goes through program.ts (commander).
//
// Node 22 keeps the code it compiles for a module on disk (module.enableCompileCache, in the OS's temporary
// directory), so a later start skips compiling it: turned on before anything else loads, hence the dynamic imports
// below. Node 20 has no such cache. node:module is taken with getBuiltinModule, not imported (see builtins.ts).
(process.getBuiltinModule?.('node:module') as { enableCompileCache?: () => unknown } | undefined)?.enableCompileCache?.();
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
