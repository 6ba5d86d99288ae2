// Who may read /metrics. Its series name every cluster, service and task ARN, so on the gateway it takes what every
// other request there takes: a SigV4 signature by the root key (any signing service and region; Wharf's docs say
// `wharf`). A Prometheus, which cannot sign its scrapes, gets its own listener instead (--metrics-address), meant for
// a private address.
import http from 'node:http';
import { AwsError } from '../domain/errors.js';
import { verifySigV4 } from '../gateway/auth/index.js';

export interface MetricsRoute {
  prefix: string;
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
}

/** The route, answering only requests signed with a key `secretFor` knows. */
export function signedOnly(route: MetricsRoute, secretFor: (accessKeyId: string) => string | undefined, now: () => Date = () => new Date()): MetricsRoute {
  return {
    prefix: route.prefix,
    handle(req, res) {
      try {
        // A scrape is a GET without a body; one sent with a body is checked as if empty, so its signature fails.
        verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: Buffer.alloc(0) }, secretFor, now());
      } catch (err) {
        const e = err instanceof AwsError ? err : new AwsError('AccessDeniedException', 'Access denied', 403);
        const body = `${e.code}: ${e.message}\n`;
        res.writeHead(e.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      route.handle(req, res);
    },
  };
}

/** A listener of its own for /metrics, without authentication. Resolves once it listens. */
export async function listenMetrics(route: MetricsRoute, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === route.prefix && (req.method === 'GET' || req.method === 'HEAD')) return route.handle(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done());
  });
  const addr = server.address() as { address: string; port: number };
  const shown = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}${route.prefix}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
