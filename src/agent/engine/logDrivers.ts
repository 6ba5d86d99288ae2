// logConfiguration as the agent applies it. awslogs is Wharf's own shipping: Docker keeps its default (json-file)
// driver, which the agent follows and sends on its channel to CloudWatch Logs. Every other driver is Docker's, with
// the task definition's options passed as they are: Docker refuses a driver it lacks or an option the driver does
// not know, and that refusal is the task's stop reason. Docker's dual logging keeps `docker logs` (and so `wharf
// logs`) working whatever the driver.
import type { ContainerDefinition } from '../protocol.js';

/** The drivers a task definition may name that Docker itself provides (ECS_AVAILABLE_LOGGING_DRIVERS). */
export const DOCKER_LOG_DRIVERS = ['json-file', 'local', 'syslog', 'journald', 'fluentd', 'gelf', 'splunk', 'none'] as const;

/** Docker's HostConfig.LogConfig for the container, or undefined for the daemon's default (awslogs included). */
export function dockerLogConfig(d: ContainerDefinition): { Type: string; Config: Record<string, string> } | undefined {
  const lc = d.logConfiguration;
  if (!lc?.logDriver || lc.logDriver === 'awslogs') return undefined;
  return { Type: lc.logDriver, Config: { ...(lc.options ?? {}) } };
}

/** Docker's default max-buffer-size for non-blocking mode: 1 MB. */
const DEFAULT_MAX_BUFFER = 1024 * 1024;
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Bytes from Docker's size syntax ("25m", "512k", "1g"); undefined when unreadable. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m && UNITS[m[2]!.toLowerCase()];
  return m && unit ? Math.floor(Number(m[1]) * unit) : undefined;
}

/**
 * awslogs' buffer: with `mode: non-blocking` output waiting to be shipped is held in memory up to `max-buffer-size`
 * and the oldest lines are dropped beyond it, as Docker's ring buffer does. In blocking mode (the default) nothing
 * is dropped: the agent ships from Docker's log file at its own pace, so the container never waits on shipping.
 */
export function awslogsBufferLimit(d: ContainerDefinition): number | undefined {
  const lc = d.logConfiguration;
  if (lc?.logDriver !== 'awslogs' || lc.options?.mode !== 'non-blocking') return undefined;
  const given = lc.options['max-buffer-size'];
  return (given !== undefined ? parseSize(given) : undefined) ?? DEFAULT_MAX_BUFFER;
}
