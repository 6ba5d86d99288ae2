// Answers the load balancer gives itself, as an ALB writes them: its error pages (400, 403, 408, 431, 502, 503, 504),
// fixed-response actions, and redirect actions with the #{protocol}/#{host}/#{port}/#{path}/#{query} placeholders.
import type http from 'node:http';
import type { FixedResponseActionConfig, RedirectActionConfig } from '@aws-sdk/client-elastic-load-balancing-v2';

export const REASON: Record<number, string> = {
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Time-out',
  413: 'Request Entity Too Large', 431: 'Request Header Fields Too Large', 460: '', 463: '', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out',
};

export function errorPage(status: number): string {
  const title = `${status} ${REASON[status] ?? ''}`.trim();
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

/** Raw HTTP/1.1 text of an error page, for sockets that never became a request (malformed, too large, too slow). */
export function rawErrorResponse(status: number): string {
  const body = errorPage(status);
  return (
    `HTTP/1.1 ${status} ${REASON[status] ?? ''}\r\nServer: awselb/2.0\r\nDate: ${new Date().toUTCString()}\r\n` +
    `Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

export function sendError(res: http.ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorPage(status);
  res.writeHead(status, { server: 'awselb/2.0', 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendFixed(res: http.ServerResponse, cfg: FixedResponseActionConfig): void {
  const body = cfg.MessageBody ?? '';
  const headers: http.OutgoingHttpHeaders = { server: 'awselb/2.0', 'content-length': Buffer.byteLength(body) };
  if (cfg.ContentType) headers['content-type'] = cfg.ContentType;
  res.writeHead(Number(cfg.StatusCode ?? 200), headers);
  res.end(body);
}

export interface RedirectFacts {
  host: string;
  port: number;
  path: string;
  query: string;
}

export function redirectLocation(cfg: RedirectActionConfig, r: RedirectFacts): string {
  const sub = (s: string) =>
    s.replaceAll('#{protocol}', 'http').replaceAll('#{host}', r.host).replaceAll('#{port}', String(r.port))
      .replaceAll('#{path}', r.path.replace(/^\//, '')).replaceAll('#{query}', r.query);
  const protocol = sub(cfg.Protocol ?? '#{protocol}').toLowerCase();
  const host = sub(cfg.Host ?? '#{host}');
  const port = sub(cfg.Port ?? '#{port}');
  const rawPath = cfg.Path ?? '/#{path}';
  const path = rawPath.startsWith('/#{path}') ? '/' + sub(rawPath.slice(1)) : sub(rawPath);
  const query = sub(cfg.Query ?? '#{query}');
  const defaultPort = (protocol === 'https' && port === '443') || (protocol === 'http' && port === '80');
  return `${protocol}://${host}${defaultPort ? '' : `:${port}`}${path}${query ? `?${query}` : ''}`;
}

export function sendRedirect(res: http.ServerResponse, cfg: RedirectActionConfig, r: RedirectFacts): void {
  const status = cfg.StatusCode === 'HTTP_301' ? 301 : 302;
  res.writeHead(status, { server: 'awselb/2.0', location: redirectLocation(cfg, r), 'content-length': 0 });
  res.end();
}
