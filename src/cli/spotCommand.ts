// `wharf spot reclaim [--cluster C] [--count N]`: takes FARGATE_SPOT capacity back, as AWS does when it needs it.
// The control plane's side is a root-signed route, /_wharf/spot/reclaim (controllers/spot.ts decides what stops);
// this side presigns the request with the root key and prints the interrupted tasks.
import http from 'node:http';
import type { SpotInterrupter } from '../controllers/spot.js';
import { presignGet } from './execSigning.js';

export const SPOT_PATH = '/_wharf/spot/reclaim';

/** The route (to be wrapped in a root-key signature check): ?cluster=&count= -> {"interrupted": [task ARNs]}. */
export function spotRoute(spot: SpotInterrupter) {
  return {
    prefix: SPOT_PATH,
    handle(req: http.IncomingMessage, res: http.ServerResponse) {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const count = q.has('count') ? Number(q.get('count')) : undefined;
      if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('count must be a positive integer\n');
        return;
      }
      spot.reclaim({ cluster: q.get('cluster') ?? undefined, count }).then(
        (interrupted) => {
          const body = JSON.stringify({ interrupted });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
        },
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
    },
  };
}

export async function reclaimSpot(f: {
  cluster?: string;
  count?: string;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<string[]> {
  const extra: Record<string, string> = {};
  if (f.cluster) extra.cluster = f.cluster;
  if (f.count) extra.count = f.count;
  const url = presignGet(f.credentials, f.region, `${f.endpoint.replace(/\/$/, '')}${SPOT_PATH}`, extra);
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
  if (status !== 200) throw new Error(`the control plane refused: ${body.trim()}`);
  return (JSON.parse(body) as { interrupted: string[] }).interrupted;
}
