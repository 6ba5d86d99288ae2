// Node's built-in modules for `wharf exec`'s quick path, taken with process.getBuiltinModule rather than `import`.
// An ESM import of a built-in builds its namespace by reading every export: on Node 22 node:http's lazy WebSocket,
// CloseEvent and MessageEvent getters then load undici (about 90 ms of CPU, more than the rest of a session), and
// node:crypto's load WebCrypto (about 10 ms). getBuiltinModule (Node 20.16, 22.3) hands back the module as require
// does, getters untouched; older Node 20 releases get require itself (node:module's exports are plain functions).
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Net from 'node:net';

const load: (id: string) => unknown = process.getBuiltinModule?.bind(process) ?? createRequire(import.meta.url);

export const net = load('node:net') as typeof Net;
export const crypto = load('node:crypto') as typeof Crypto;
