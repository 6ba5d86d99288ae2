// WebSocket (and any HTTP/1.1 Upgrade) through a listener: routed like a request, then the client and target sockets
// are joined byte for byte once the target answers. The target's answer (101 or a refusal) is relayed as it is.
import net from 'node:net';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { requestHeaders } from './forward.js';
import { facts, pickTarget, type ProxyContext } from './proxy.js';
import { rawErrorResponse } from './responses.js';
import { route, type ListenerView } from './routing.js';

export function handleUpgrade(ctx: ProxyContext, view: ListenerView, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  const f = facts(req);
  const action = route(view, f);
  const target = action.Type === 'forward' ? pickTarget(ctx.balancer, action, req.headers.cookie) : undefined;
  if (!target) {
    socket.end(rawErrorResponse(action.Type === 'forward' ? 503 : 400));
    return;
  }
  const headers = requestHeaders(req.headers, { sourceIp: f.sourceIp, listenerPort: view.listener.port, xffMode: view.xffMode }, true);
  const upstream = net.connect(target.port, target.host);
  ctx.balancer.begin(target.key);
  let ended = false;
  let connected = false;
  const end = () => {
    if (ended) return;
    ended = true;
    ctx.balancer.end(target.key);
    upstream.destroy();
    if (connected) socket.destroy(); // otherwise the error page is on its way out through socket.end()
  };
  upstream.setTimeout(view.idleMs, () => {
    if (!connected) socket.end(rawErrorResponse(504));
    end();
  });
  upstream.on('error', () => {
    if (!connected) socket.end(rawErrorResponse(502));
    end();
  });
  upstream.on('connect', () => {
    connected = true;
    let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) {
      for (const one of Array.isArray(v) ? v : [v]) text += `${k}: ${one}\r\n`;
    }
    upstream.write(text + '\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  socket.on('close', end);
  upstream.on('close', end);
}
