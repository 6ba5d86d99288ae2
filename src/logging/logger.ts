// One structured logger for every Wharf process: JSON lines for machines, pretty lines on a terminal.
import { pino, type Logger } from 'pino';

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    level: opts.level ?? process.env.WHARF_LOG_LEVEL ?? 'info',
    base: undefined,
    transport: pretty ? { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } : undefined,
  });
}

export type { Logger };
