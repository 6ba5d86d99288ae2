#!/usr/bin/env node
// The `wharf` command. Node 22's compile cache is turned on before anything else loads (compileCache.ts), hence the
// dynamic import of the rest (dispatch.ts).
await import('./compileCache.js');
await import('./dispatch.js');
