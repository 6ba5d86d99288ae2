// Serves the built web console (dist/console, from console/ by `npm run build`) at /console on the gateway port.
// Static files need no authentication: every call the console makes is SigV4-signed in the browser with the key the
// user signs in with. Hashed assets are cached for good; index.html is revalidated; gzip when the client takes it.
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const CONSOLE_PREFIX = '/console';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

// Fonts are files of the build (data: is left for any a component inlines); styles may be set inline by components.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** WHARF_CONSOLE_DIR when set (another build of the console, as bench/console.ts compares two builds with), else
 * dist/console beside the compiled server (dist/src/console), or the build output when run from src/. */
export function defaultConsoleDir(): string {
  if (process.env.WHARF_CONSOLE_DIR) return resolve(process.env.WHARF_CONSOLE_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${sep}dist${sep}`) ? resolve(here, '../../console') : resolve(here, '../../dist/console');
}

interface Cached {
  body: Buffer;
  gzip?: Buffer;
}

export function consoleRoute(dir = defaultConsoleDir()): { prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void } {
  const root = resolve(dir);
  const cache = new Map<string, Cached>();
  const load = async (file: string): Promise<Cached | undefined> => {
    const hit = cache.get(file);
    if (hit) return hit;
    try {
      const body = await readFile(file);
      const entry: Cached = { body, gzip: /\.(html|js|css|svg|json|map)$/.test(file) && body.length > 1024 ? gzipSync(body) : undefined };
      // Only hashed assets are immutable; index.html is read again so a rebuild shows without a restart.
      if (file.includes(`${sep}assets${sep}`)) cache.set(file, entry);
      return entry;
    } catch {
      return undefined;
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      return res.end('Method not allowed\n');
    }
    if (path === CONSOLE_PREFIX) {
      res.writeHead(301, { location: `${CONSOLE_PREFIX}/` });
      return res.end();
    }
    if (!path.startsWith(`${CONSOLE_PREFIX}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('Not found\n');
    }
    const rel = path.slice(CONSOLE_PREFIX.length + 1) || 'index.html';
    const file = normalize(join(root, rel));
    // Build metadata (.vite/manifest.json) and anything else hidden is not served.
    if (!file.startsWith(root + sep) || rel.includes('\0') || rel.split('/').some((seg) => seg.startsWith('.'))) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('Not found\n');
    }
    const entry = await load(file);
    if (!entry) {
      const built = await load(join(root, 'index.html'));
      res.writeHead(built ? 404 : 503, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end(built ? 'Not found\n' : 'The console is not built: run `npm run build`.\n');
    }
    const gzip = entry.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? entry.gzip! : entry.body;
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    prefix: CONSOLE_PREFIX,
    handle: (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error\n');
      });
    },
  };
}
