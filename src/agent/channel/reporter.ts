// The engine's StateReporter, made of the agent-facing ECS operations (SubmitTaskStateChange,
// SubmitContainerStateChange) signed with the instance's own keys once the channel has handed them out. Reports
// of one task go out in order; a failed call is retried with backoff so no state change is lost to a blip. A task
// report carries every container's facts, so container reports still waiting when one is queued are dropped: a
// container that starts and makes its task RUNNING costs one call, not two.
import {
  ECSClient,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
} from '@aws-sdk/client-ecs';
import type { ContainerReport, StateReporter, TaskReport } from '../engine/reporter.js';
import type { AgentCredentials } from './signing.js';
import type { SdkEndpoint } from './endpoints.js';

export interface ApiReporterOptions {
  /** The control plane URL, or a provider of the current one (several replicas). */
  endpoint: string | (() => Promise<SdkEndpoint>);
  region: string;
  cluster: string;
  /** The keys to sign with now (the instance's once received, else the ones the agent started with). */
  credentials: () => AgentCredentials;
  /** Health goes over the channel (ECS carries it on its telemetry connection). */
  sendHealth: (taskArn: string, containers: { containerName: string; healthStatus: string }[]) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

export class ApiReporter implements StateReporter {
  private readonly client: ECSClient;
  private readonly queues = new Map<string, Promise<void>>();
  /** Per task, the reports not sent yet, in order. */
  private readonly pending = new Map<string, { kind: 'container' | 'task'; call: () => Promise<unknown> }[]>();
  private closed = false;

  constructor(private readonly opts: ApiReporterOptions) {
    this.client = new ECSClient({
      endpoint: opts.endpoint,
      region: opts.region,
      credentials: async () => opts.credentials(),
      maxAttempts: 1,
    });
  }

  containerChanged(r: ContainerReport): void {
    this.enqueue(r.taskArn, 'container', () =>
      this.client.send(
        new SubmitContainerStateChangeCommand({
          cluster: clusterOf(r.taskArn, this.opts.cluster),
          task: r.taskArn,
          containerName: r.containerName,
          runtimeId: r.runtimeId,
          status: r.status,
          exitCode: r.exitCode,
          reason: r.reason,
          networkBindings: r.networkBindings,
        }),
      ),
    );
    this.opts.sendHealth(r.taskArn, [{ containerName: r.containerName, healthStatus: r.healthStatus }]);
  }

  taskChanged(r: TaskReport): void {
    // SubmitTaskStateChange has no stop code (nor does ECS's agent send one): the control plane decides it from the
    // facts sent here (each container's status, exit code and reason), by the same rule as engine/task.ts.
    this.enqueue(r.taskArn, 'task', () =>
      this.client.send(
        new SubmitTaskStateChangeCommand({
          cluster: clusterOf(r.taskArn, this.opts.cluster),
          task: r.taskArn,
          status: r.status,
          reason: r.reason,
          containers: r.containers.map((c) => ({
            containerName: c.containerName,
            runtimeId: c.runtimeId,
            status: c.status,
            exitCode: c.exitCode,
            reason: c.reason,
            networkBindings: c.networkBindings,
            imageDigest: c.imageDigest,
          })),
          attachments: r.attachments.map((a) => ({ attachmentArn: a.attachmentArn, status: a.status })),
          pullStartedAt: r.pullStartedAt,
          pullStoppedAt: r.pullStoppedAt,
          executionStoppedAt: r.executionStoppedAt,
        }),
      ),
    );
    this.opts.sendHealth(
      r.taskArn,
      r.containers.map((c) => ({ containerName: c.containerName, healthStatus: c.healthStatus })),
    );
  }

  /** Waits for every queued report (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  close(): void {
    this.closed = true;
    this.client.destroy();
  }

  private enqueue(taskArn: string, kind: 'container' | 'task', call: () => Promise<unknown>): void {
    let list = this.pending.get(taskArn);
    if (!list) this.pending.set(taskArn, (list = []));
    if (kind === 'task') for (let i = list.length - 1; i >= 0; i--) if (list[i]!.kind === 'container') list.splice(i, 1);
    list.push({ kind, call });
    if (this.queues.has(taskArn)) return;
    // Sending starts after the engine's current step has queued all it reports (a container's RUNNING, then its task's).
    const queue = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      for (let next = list.shift(); next; next = list.shift()) await this.attempt(next.call, taskArn);
      this.pending.delete(taskArn);
      this.queues.delete(taskArn);
    });
    this.queues.set(taskArn, queue);
  }

  private async attempt(call: () => Promise<unknown>, taskArn: string): Promise<void> {
    for (let i = 0; !this.closed; i++) {
      try {
        await call();
        return;
      } catch (err) {
        const name = (err as { name?: string }).name ?? '';
        // The control plane refused the report itself (a status going back, a task it no longer knows): final.
        if (name === 'InvalidParameterException' || name === 'AccessDeniedException' || name === 'ClusterNotFoundException') {
          this.opts.log('report refused', { taskArn, error: (err as Error).message });
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** i)));
      }
    }
  }
}

/** A task's own cluster, from its ARN (`task/CLUSTER/ID`): FARGATE capacity runs tasks of every cluster. */
function clusterOf(taskArn: string, fallback: string): string {
  const parts = taskArn.split('/');
  return parts.length >= 3 ? parts.at(-2)! : fallback;
}
