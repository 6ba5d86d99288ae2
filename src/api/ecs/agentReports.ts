// The agent-facing ECS operations: where an agent finds its channel, and how it reports what its containers and
// tasks did. Each report is decoded into facts and fed to the task machine (tasks/machine.ts), which decides the
// status; an agent may only report on tasks placed on its own instance.
import type {
  ContainerStateChange,
  DiscoverPollEndpointRequest,
  DiscoverPollEndpointResponse,
  SubmitAttachmentStateChangesRequest,
  SubmitAttachmentStateChangesResponse,
  SubmitContainerStateChangeRequest,
  SubmitContainerStateChangeResponse,
  SubmitTaskStateChangeRequest,
  SubmitTaskStateChangeResponse,
} from '@aws-sdk/client-ecs';
import { AccessDenied, InvalidParameter } from '../../domain/errors.js';
import { taskIdOf, type TaskRecord } from '../../domain/task.js';
import type { RequestContext } from '../../gateway/service.js';
import type { Row } from '../../store/cache.js';
import { TaskBatch } from '../../tasks/batch.js';
import { DEFAULT_STOPPED_RETENTION_MS, type ContainerFacts, type TaskFacts } from '../../tasks/machine.js';
import type { EcsContext } from './context.js';

const TASK_STATUSES = new Set(['PENDING', 'ACTIVATING', 'RUNNING', 'STOPPED']);

export interface AgentReportOptions {
  /** The channel URL agents connect to, e.g. ws://127.0.0.1:4510/_wharf/acs. */
  channelUrl: () => string;
  stoppedRetentionMs?: number;
}

export function agentReportOperations(ecs: EcsContext, opts: AgentReportOptions) {
  const { tables } = ecs;

  /** The task the caller reports on: refused unless it is on the caller's own instance (root may report any). */
  const taskFor = (ctx: RequestContext, cluster: string | undefined, ref: string | undefined): Row<TaskRecord> => {
    const clusterName = ecs.activeCluster(cluster).id;
    const row = tables.tasks.get(`${clusterName}/${taskIdOf(ref ?? '')}`);
    if (!row) throw new InvalidParameter('The referenced task was not found.');
    const caller = tables.instanceCredentials.get(ctx.accessKeyId);
    if (caller && caller.value.instanceKey !== row.value.instanceKey) {
      throw new AccessDenied('The task is not placed on the container instance whose credentials signed this report.');
    }
    return row;
  };

  const batch = (ctx: RequestContext) =>
    new TaskBatch(tables, { now: ctx.now, stoppedRetentionMs: opts.stoppedRetentionMs ?? DEFAULT_STOPPED_RETENTION_MS });

  return {
    DiscoverPollEndpoint(_input: DiscoverPollEndpointRequest): DiscoverPollEndpointResponse {
      const url = opts.channelUrl();
      return { endpoint: url, telemetryEndpoint: url, serviceConnectEndpoint: url };
    },

    async SubmitContainerStateChange(
      input: SubmitContainerStateChangeRequest,
      ctx: RequestContext,
    ): Promise<SubmitContainerStateChangeResponse> {
      await ecs.cache.update(() => {
        const row = taskFor(ctx, input.cluster, input.task);
        const b = batch(ctx);
        b.apply(row, { type: 'agent-container', facts: containerFacts(input.containerName ?? '', input) });
        return { txn: b.done(), result: null };
      });
      return { acknowledgment: 'ACK' };
    },

    async SubmitTaskStateChange(
      input: SubmitTaskStateChangeRequest,
      ctx: RequestContext,
    ): Promise<SubmitTaskStateChangeResponse> {
      if (!TASK_STATUSES.has(input.status ?? '')) throw new InvalidParameter(`Unknown task status ${input.status}.`);
      const facts: TaskFacts = {
        status: input.status as TaskFacts['status'],
        reason: input.reason,
        containers: (input.containers ?? []).map((c) => containerFacts(c.containerName ?? '', c)),
        pullStartedAt: input.pullStartedAt,
        pullStoppedAt: input.pullStoppedAt,
        executionStoppedAt: input.executionStoppedAt,
      };
      await ecs.cache.update(() => {
        const row = taskFor(ctx, input.cluster, input.task);
        const b = batch(ctx);
        b.apply(row, { type: 'agent-task', facts });
        return { txn: b.done(), result: null };
      });
      return { acknowledgment: 'ACK' };
    },

    async SubmitAttachmentStateChanges(
      input: SubmitAttachmentStateChangesRequest,
      ctx: RequestContext,
    ): Promise<SubmitAttachmentStateChangesResponse> {
      await ecs.cache.update(() => {
        const clusterName = ecs.activeCluster(input.cluster).id;
        const statuses: Record<string, string> = {};
        for (const a of input.attachments ?? []) {
          const id = a.attachmentArn?.split('/').pop();
          if (id && a.status) statuses[id] = a.status;
        }
        const caller = tables.instanceCredentials.get(ctx.accessKeyId);
        const rows = caller ? tables.tasks.byIndex('instance', caller.value.instanceKey) : tables.tasks.byIndex('cluster', clusterName);
        const b = batch(ctx);
        for (const row of rows) b.apply(row, { type: 'agent-attachments', statuses });
        return { txn: b.done(), result: null };
      });
      return { acknowledgment: 'ACK' };
    },
  };
}

/** One container's change as the machine reads it. */
function containerFacts(name: string, c: ContainerStateChange | SubmitContainerStateChangeRequest): ContainerFacts {
  return {
    containerName: name,
    status: c.status,
    exitCode: c.exitCode,
    reason: c.reason,
    runtimeId: c.runtimeId,
    networkBindings: c.networkBindings,
    imageDigest: 'imageDigest' in c ? c.imageDigest : undefined,
  };
}
