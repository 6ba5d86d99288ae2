// The `wharf` command as installed (package.json "bin": wharf.cjs, this module bundled as CommonJS by
// scripts/bundle-server.mjs). Node's loader for ES modules costs about 10 ms of CPU at every start before any of the
// command runs (its hooks, fs/promises, readline); a CommonJS entry does not load it unless the command imports an ES
// module, which every command but a plain `wharf exec` then does (program.js). main.js is the same command as an ES
// module (`node dist/src/cli/main.js`). The compile cache goes first: it applies to what loads after it.
import './compileCache.js';
import './dispatch.js';
