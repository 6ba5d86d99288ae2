// Node 22's on-disk compile cache (V8 code cache) for the modules loaded after this one: main.ts and the agent thread's
// entry import it first and load everything else with import() after it (the modules of a static import graph are
// compiled before any of them runs, so they would miss the cache), so the control plane's and the agent's modules are
// compiled once per build rather than at every start. Node 20 has no such API: nothing happens there. The directory is Node's default,
// os.tmpdir()/node-compile-cache (NODE_COMPILE_CACHE overrides it, NODE_DISABLE_COMPILE_CACHE=1 turns it off); entries
// are keyed by Node's version and each file's content and checked when read, so several wharf processes (or builds)
// can share it, and a stale or torn entry is recompiled rather than used.
// node:module is taken with getBuiltinModule, not imported (see builtins.ts).
(process.getBuiltinModule?.('node:module') as { enableCompileCache?: () => unknown } | undefined)?.enableCompileCache?.();
