// Node 22's on-disk compile cache (V8 code cache) for the modules loaded after this one: imported first by the agent
// thread's entry (main.ts turns it on the same way, inline, before its dynamic imports), so the agent's modules are
// compiled once per build rather than at every start. Node 20 has no such API: nothing happens there. The directory is Node's default,
// os.tmpdir()/node-compile-cache (NODE_COMPILE_CACHE overrides it, NODE_DISABLE_COMPILE_CACHE=1 turns it off); entries
// are keyed by Node's version and each file's content and checked when read, so several wharf processes (or builds)
// can share it, and a stale or torn entry is recompiled rather than used.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
