// One structured logger for every Wharf process: JSON lines for machines, pretty lines on a terminal.
import { pino, type Logger } from 'pino';

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    level: opts.level ?? process.env.WHARF_LOG_LEVEL ?? 'info',
    base: undefined,
    // Log lines end up in journald or `docker logs`: a secret passed in a log object never reaches them.
    redact: { paths: ['secretAccessKey', '*.secretAccessKey', 'password', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' },
    transport: pretty ? { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } : undefined,
  });
}

export type { Logger };
