// One request through a listener: route by rules, answer fixed-response and redirect actions, or forward to a
// target over a pooled keep-alive connection, streaming both bodies. Errors as an ALB gives them: 503 without
// registered targets, 502 when the target refuses, resets or answers garbage, 504 when it is silent past the idle
// timeout. A request that found a reused pooled connection closed under it is retried once when it has no body.
import http from 'node:http';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Balancer, Pick } from './balancer.js';
import { chooseWeighted } from './balancer.js';
import { requestHeaders, responseHeaders, stickyCookie, stickyKey } from './forward.js';
import { sendError, sendFixed, sendRedirect } from './responses.js';
import { route, type ListenerView } from './routing.js';
import { forwardTargets } from './usage.js';
import type { RequestFacts } from './conditions.js';

export interface ProxyContext {
  balancer: Balancer;
  agent: http.Agent;
}

export function facts(req: http.IncomingMessage): RequestFacts {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const hostHeader = req.headers.host ?? '';
  const colon = hostHeader.lastIndexOf(':');
  const host = (colon > 0 && !hostHeader.endsWith(']') ? hostHeader.slice(0, colon) : hostHeader).toLowerCase();
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    host,
    headers: req.headers,
    sourceIp: req.socket.remoteAddress ?? '',
  };
}

/** Each action's target groups and weights, made once per action (views are rebuilt when the store changes). */
const forwards = new WeakMap<Action, { arn: string; weight: number }[]>();

/** The forward target for a request: the target group by weight, then the target; undefined → 503. */
export function pickTarget(balancer: Balancer, action: Action, cookie: string | undefined): Pick | undefined {
  let groups = forwards.get(action);
  if (!groups) forwards.set(action, (groups = forwardTargets(action)));
  const tgArn = chooseWeighted(groups);
  return tgArn ? balancer.pick(tgArn, stickyKey(cookie)) : undefined;
}

export function handle(ctx: ProxyContext, view: ListenerView, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (!(req.url ?? '').startsWith('/')) return sendError(res, 400);
  const f = facts(req);
  const action = route(view, f);
  if (action.Type === 'fixed-response') return sendFixed(res, action.FixedResponseConfig ?? { StatusCode: '200' });
  if (action.Type === 'redirect') {
    return sendRedirect(res, action.RedirectConfig ?? { StatusCode: 'HTTP_302' }, { host: f.host, port: view.listener.port, path: f.path, query: f.query });
  }
  const target = pickTarget(ctx.balancer, action, req.headers.cookie);
  if (!target) return sendError(res, 503);
  const headers = requestHeaders(req.headers, { sourceIp: f.sourceIp, listenerPort: view.listener.port, xffMode: view.xffMode });
  ctx.balancer.begin(target.key);
  let done = false;
  const finish = () => {
    if (!done) ctx.balancer.end(target.key);
    done = true;
  };
  res.once('close', finish);
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  send(ctx, view, req, res, target, headers, hasBody, true);
}

function send(
  ctx: ProxyContext, view: ListenerView, req: http.IncomingMessage, res: http.ServerResponse, target: Pick,
  headers: http.OutgoingHttpHeaders, hasBody: boolean, mayRetry: boolean,
): void {
  const preq = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent: ctx.agent });
  let timedOut = false;
  preq.setTimeout(view.idleMs, () => {
    timedOut = true;
    preq.destroy();
  });
  preq.on('response', (pres) => {
    const out = responseHeaders(pres.headers);
    const stick = target.tg.attributes['stickiness.enabled'] === 'true';
    if (stick) {
      const c = stickyCookie(target.key, Number(target.tg.attributes['stickiness.lb_cookie.duration_seconds'] ?? 86400));
      const prev = out['set-cookie'];
      out['set-cookie'] = prev === undefined ? [c] : [...(Array.isArray(prev) ? prev : [String(prev)]), c];
    }
    res.writeHead(pres.statusCode ?? 502, out);
    pres.pipe(res);
    pres.on('error', () => res.destroy());
  });
  preq.on('error', (err: NodeJS.ErrnoException) => {
    if (res.headersSent) return res.destroy();
    if (mayRetry && !hasBody && !timedOut && preq.reusedSocket && err.code === 'ECONNRESET' && !res.destroyed) {
      return send(ctx, view, req, res, target, headers, hasBody, false);
    }
    sendError(res, timedOut ? 504 : 502);
  });
  res.once('close', () => {
    if (!res.writableFinished) preq.destroy();
  });
  if (hasBody) req.pipe(preq);
  else preq.end();
}
