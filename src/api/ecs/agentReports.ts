// The agent-facing ECS operations: where an agent finds its channel, and how it reports what its containers and
// tasks did. An agent may only report on tasks placed on its own instance; statuses only move forward.
import type {
  Container,
  ContainerStateChange,
  DiscoverPollEndpointRequest,
  DiscoverPollEndpointResponse,
  SubmitAttachmentStateChangesRequest,
  SubmitAttachmentStateChangesResponse,
  SubmitContainerStateChangeRequest,
  SubmitContainerStateChangeResponse,
  SubmitTaskStateChangeRequest,
  SubmitTaskStateChangeResponse,
  Task,
} from '@aws-sdk/client-ecs';
import { AccessDenied, InvalidParameter } from '../../domain/errors.js';
import { isPending, statusRank, taskIdOf, type TaskRecord } from '../../domain/task.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn, type Row } from '../../store/cache.js';
import { withContainers, writeTask } from '../../tasks/transitions.js';
import type { EcsContext } from './context.js';

const CONTAINER_RANK: Record<string, number> = { PENDING: 0, PULLED: 0, CREATED: 0, RUNNING: 1, STOPPED: 2 };

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

  const mergeContainer = (c: Container, change: ContainerStateChange | SubmitContainerStateChangeRequest): Container => {
    const status = change.status ?? c.lastStatus;
    if ((CONTAINER_RANK[status ?? 'PENDING'] ?? 0) < (CONTAINER_RANK[c.lastStatus ?? 'PENDING'] ?? 0)) return c;
    return {
      ...c,
      lastStatus: status === 'PULLED' || status === 'CREATED' ? 'PENDING' : status,
      exitCode: change.exitCode ?? c.exitCode,
      reason: change.reason ?? c.reason,
      runtimeId: change.runtimeId ?? c.runtimeId,
      networkBindings: change.networkBindings ?? c.networkBindings,
      ...('imageDigest' in change && change.imageDigest ? { imageDigest: change.imageDigest } : {}),
    };
  };

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
        const t = row.value.task;
        if (!t.containers?.some((c) => c.name === input.containerName)) {
          throw new InvalidParameter(`The task has no container named ${input.containerName}.`);
        }
        const containers = t.containers.map((c) => (c.name === input.containerName ? mergeContainer(c, input) : c));
        const txn = new Txn();
        writeTask(tables, txn, row, withContainers(t, containers), { now: ctx.now, stoppedRetentionMs: opts.stoppedRetentionMs });
        return { txn, result: null };
      });
      return { acknowledgment: 'ACK' };
    },

    async SubmitTaskStateChange(
      input: SubmitTaskStateChangeRequest,
      ctx: RequestContext,
    ): Promise<SubmitTaskStateChangeResponse> {
      await ecs.cache.update(() => {
        const row = taskFor(ctx, input.cluster, input.task);
        const t = row.value.task;
        const byName = new Map((input.containers ?? []).map((c) => [c.containerName, c]));
        const containers = (t.containers ?? []).map((c) => (byName.has(c.name) ? mergeContainer(c, byName.get(c.name)!) : c));
        const next: Task = { ...withContainers(t, containers) };
        if (input.pullStartedAt) next.pullStartedAt = input.pullStartedAt;
        if (input.pullStoppedAt) next.pullStoppedAt = input.pullStoppedAt;
        if (input.executionStoppedAt) next.executionStoppedAt = input.executionStoppedAt;
        const awsvpc = (t.attachments ?? []).some((a) => a.type === 'ElasticNetworkInterface');
        if (input.status !== 'STOPPED' && statusRank(input.status) < statusRank(t.lastStatus)) {
          throw new InvalidParameter(`Task status cannot move from ${t.lastStatus} back to ${input.status}.`);
        }
        switch (input.status) {
          case 'PENDING':
          case 'ACTIVATING':
            if (t.lastStatus === 'PROVISIONING') next.lastStatus = 'PENDING';
            if (input.status === 'ACTIVATING') next.lastStatus = 'ACTIVATING';
            next.attachments = attach(next.attachments, 'ATTACHED');
            break;
          case 'RUNNING':
            if (t.desiredStatus === 'STOPPED' && t.lastStatus !== 'RUNNING' && !isPending(t)) break;
            next.lastStatus = 'RUNNING';
            next.startedAt = t.startedAt ?? ctx.now;
            next.connectivity = 'CONNECTED';
            next.connectivityAt = t.connectivityAt ?? ctx.now;
            next.attachments = attach(next.attachments, 'ATTACHED');
            break;
          case 'STOPPED': {
            next.desiredStatus = 'STOPPED';
            next.lastStatus = awsvpc ? 'DEPROVISIONING' : 'STOPPED';
            next.stoppingAt = t.stoppingAt ?? ctx.now;
            next.executionStoppedAt = input.executionStoppedAt ?? t.executionStoppedAt ?? ctx.now;
            if (!awsvpc) next.stoppedAt = ctx.now;
            next.stoppedReason = t.stoppedReason ?? input.reason;
            next.stopCode =
              t.stopCode ??
              (isPending(t) && !t.startedAt
                ? 'TaskFailedToStart'
                : /essential container/i.test(input.reason ?? '')
                  ? 'EssentialContainerExited'
                  : undefined);
            next.connectivity = undefined;
            break;
          }
          default:
            throw new InvalidParameter(`Unknown task status ${input.status}.`);
        }
        const txn = new Txn();
        writeTask(tables, txn, row, next, { now: ctx.now, stoppedRetentionMs: opts.stoppedRetentionMs });
        return { txn, result: null };
      });
      return { acknowledgment: 'ACK' };
    },

    async SubmitAttachmentStateChanges(
      input: SubmitAttachmentStateChangesRequest,
      ctx: RequestContext,
    ): Promise<SubmitAttachmentStateChangesResponse> {
      await ecs.cache.update(() => {
        const clusterName = ecs.activeCluster(input.cluster).id;
        const txn = new Txn();
        const wanted = new Map((input.attachments ?? []).map((a) => [a.attachmentArn?.split('/').pop(), a.status]));
        const caller = tables.instanceCredentials.get(ctx.accessKeyId);
        const rows = caller ? tables.tasks.byIndex('instance', caller.value.instanceKey) : tables.tasks.byIndex('cluster', clusterName);
        for (const row of rows) {
          const atts = row.value.task.attachments ?? [];
          if (!atts.some((a) => wanted.has(a.id))) continue;
          const attachments = atts.map((a) => (wanted.has(a.id) ? { ...a, status: wanted.get(a.id) } : a));
          writeTask(tables, txn, row, { ...row.value.task, attachments }, { now: ctx.now });
        }
        return { txn, result: null };
      });
      return { acknowledgment: 'ACK' };
    },
  };
}

function attach(attachments: Task['attachments'], status: string): Task['attachments'] {
  return attachments?.map((a) => (a.status === 'PRECREATED' || a.status === 'ATTACHING' ? { ...a, status } : a));
}
