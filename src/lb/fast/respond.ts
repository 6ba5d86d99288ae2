// Building the bytes the fast path writes itself: forwarded request heads (hop-by-hop headers dropped, X-Forwarded-*
// and a trace id added, as forward.ts does for node:http) and the load balancer's own answers.
import { randomBytes } from 'node:crypto';
import type { FixedResponseActionConfig } from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorPage, REASON } from '../responses.js';
import { headerValue, keptText, Kind, type RequestHead } from './head.js';

const traceBase = randomBytes(8).toString('hex');
let traceCounter = 0;
let traceSecond = 0;
let traceEpochHex = '';

/** An X-Amzn-Trace-Id root as ALB makes them: 1-<epoch seconds, hex>-<24 hex digits>. */
function traceRoot(): string {
  const now = Math.floor(Date.now() / 1000);
  if (now !== traceSecond) {
    traceSecond = now;
    traceEpochHex = now.toString(16);
  }
  traceCounter = (traceCounter + 1) >>> 0;
  return `Root=1-${traceEpochHex}-${traceBase}${traceCounter.toString(16).padStart(8, '0')}`;
}

/** The request head as forwarded to a target: received lines copied as bytes, less hop-by-hop ones, plus X-Forwarded-*. */
export function upstreamHead(h: RequestHead, clientIp: string, listenerPort: number, xffMode: string): string {
  let xff: string | undefined;
  let trace = false;
  for (let i = 0; i < h.kinds.length; i++) {
    const k = h.kinds[i];
    if (k === Kind.ForwardedFor) xff = xff === undefined ? headerValue(h, i) : `${xff}, ${headerValue(h, i)}`;
    else if (k === Kind.TraceId) trace = true;
  }
  let out = keptText(h, true);
  if (xffMode === 'append') out += `X-Forwarded-For: ${xff ? `${xff}, ${clientIp}` : clientIp}\r\n`;
  else if (xffMode === 'preserve') out += `X-Forwarded-For: ${xff ?? clientIp}\r\n`;
  out += `X-Forwarded-Proto: http\r\nX-Forwarded-Port: ${listenerPort}\r\n`;
  if (!trace) out += `X-Amzn-Trace-Id: ${traceRoot()}\r\n`;
  return out + '\r\n';
}

function response(status: number, headers: string[], body: string, keepAlive: boolean): string {
  return `HTTP/1.1 ${status} ${REASON[status] ?? ''}\r\nServer: awselb/2.0\r\nDate: ${new Date().toUTCString()}\r\n` +
    headers.map((h) => h + '\r\n').join('') + `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    (keepAlive ? '' : 'Connection: close\r\n') + '\r\n' + body;
}

export const errorResponse = (status: number, keepAlive: boolean) => response(status, ['Content-Type: text/html'], errorPage(status), keepAlive);

export const fixedResponse = (cfg: FixedResponseActionConfig, keepAlive: boolean) =>
  response(Number(cfg.StatusCode ?? 200), cfg.ContentType ? [`Content-Type: ${cfg.ContentType}`] : [], cfg.MessageBody ?? '', keepAlive);

export const redirectResponse = (status: number, location: string, keepAlive: boolean) => response(status, [`Location: ${location}`], '', keepAlive);
