// `wharf agent`, and the agent `wharf up` embeds: options resolved once, Docker checked plainly, startAgent.
import type { Logger } from 'pino';
import { startAgent, type RunningAgent } from '../agent/agent.js';
import { DockerRuntime, NO_DOCKER_HELP } from '../agent/runtime/docker.js';
import { VERSION } from './version.js';

export interface AgentFlags {
  endpoint: string;
  cluster: string;
  region: string;
  stateDir: string;
  publishAddress: string;
  attributes: Record<string, string>;
  fargateCapacity: boolean;
  allowPrivileged: boolean;
  /** Where EFS file systems' directories are (--efs-root; `wharf up`: the control plane's). */
  efsRoot?: string;
  /** How long a stopped task's containers stay before removal (ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION). */
  cleanupWaitSeconds?: number;
  statsIntervalMs?: number;
  /** Wharf's DNS server, which tasks resolve through. */
  dnsServer?: { address: string; port: number };
  /** The host's availability zone (--availability-zone), its ecs.availability-zone attribute. */
  availabilityZone?: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Starts an agent, or explains why it cannot: no Docker Engine means no tasks, and Wharf says so. */
export async function runAgent(flags: AgentFlags, logger: Logger): Promise<RunningAgent> {
  const runtime = new DockerRuntime();
  try {
    await runtime.version();
  } catch {
    throw new Error(NO_DOCKER_HELP);
  }
  const agent = await startAgent({
    ...flags,
    cleanupWaitMs: flags.cleanupWaitSeconds === undefined ? undefined : flags.cleanupWaitSeconds * 1000,
    agentVersion: VERSION,
    runtime,
    log: (msg, fields) => logger.info(fields ?? {}, msg),
  });
  logger.info({ containerInstanceArn: agent.containerInstanceArn, cluster: flags.cluster }, 'agent started');
  return agent;
}

export function parseAttributes(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new Error(`--attribute expects NAME=VALUE, got '${item}'`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** `--dns-server ADDR:PORT` (port 53 when left out). */
export function parseDnsServer(value: string): { address: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(value);
  const port = Number(m?.[2] ?? 53);
  if (!m || port < 1 || port > 65535) throw new Error(`--dns-server expects ADDRESS[:PORT] (IPv4), got '${value}'`);
  return { address: m[1]!, port };
}

export { defaultStateDir } from './agentThread.js';
