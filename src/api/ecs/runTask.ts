// RunTask and StartTask: decode the request (count, tags, the cluster and the definition it names, RunTask's client
// token), hand it to tasks/run.ts, which checks it as ECS does, plans and launches the tasks with the reservations
// on their instances in one guarded transaction, shared with the calls on the same cluster that arrived meanwhile
// (a plan made on a view that changed meanwhile is re-made, so concurrent calls never oversubscribe), and encode the
// answer.
import type { Failure, Volume, RunTaskRequest, RunTaskResponse, StartTaskRequest, StartTaskResponse } from '@aws-sdk/client-ecs';
import { ClientError, InvalidParameter } from '../../domain/errors.js';
import { initialTags } from '../../domain/tags.js';
import type { PlacementPools } from '../../placement/pools.js';
import type { Plan } from '../../scheduler/index.js';
import type { RequestContext } from '../../gateway/service.js';
import { TaskBatch } from '../../tasks/batch.js';
import { PlacementGroups } from '../../tasks/placementGroups.js';
import { DEFAULT_STOPPED_RETENTION_MS } from '../../tasks/machine.js';
import { runTasks } from '../../tasks/run.js';
import type { EcsContext } from './context.js';
import { findTaskDefinition } from './taskDefinitions.js';

const CLIENT_TOKEN_TTL_MS = 24 * 3600 * 1000;

export function runTaskOperations(
  ecs: EcsContext,
  pools: PlacementPools,
  stoppedRetentionMs = DEFAULT_STOPPED_RETENTION_MS,
  checkVolumes: (volumes: Volume[]) => void = () => {},
  /** Hands the call to the replica that places (its answer), or undefined to place it here. */
  forward: (op: 'RunTask' | 'StartTask', input: unknown, ctx: RequestContext) => Promise<unknown> = async () => undefined,
) {
  const { tables } = ecs;

  const definition = (ref: string | undefined) => {
    const td = findTaskDefinition(tables, ref ?? '')?.value;
    if (!td) throw new ClientError('Unable to describe task definition.');
    checkVolumes(td.taskDefinition.volumes ?? []);
    return td;
  };

  const failures = (plan: Plan, always: boolean): Failure[] =>
    plan.unplaced === 0 && !always ? [] : plan.rejections.map((r) => ({ arn: r.arn, reason: r.reason }));

  // Calls on one cluster are placed one group at a time in this process, each group in one transaction
  // (tasks/placementGroups.ts): concurrent calls planned apart would all read the same free capacity and all but one
  // conflict, again and again (on etcd, with the commit's round trip between tries). Replicas still race each
  // other, a few contenders that the guarded transaction and its retries settle.
  const groups = new PlacementGroups(ecs.cache, () => new TaskBatch(tables, { now: new Date(), stoppedRetentionMs }));
  const priorTasks = (token: string | undefined, now: Date) => {
    const prior = token === undefined ? undefined : tables.clientTokens.get(token);
    if (!prior || prior.value.expiresAt <= now) return undefined;
    return prior.value.taskArns.flatMap((arn) => {
      const row = tables.tasks.get(`${arn.split('/').slice(-2).join('/')}`);
      return row ? [row.value.task] : [];
    });
  };

  return {
    async RunTask(input: RunTaskRequest, ctx: RequestContext): Promise<RunTaskResponse> {
      const forwarded = (await forward('RunTask', input, ctx)) as RunTaskResponse | undefined;
      if (forwarded) return forwarded;
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > 10) throw new InvalidParameter('count must be between 1 and 10.');
      const tags = initialTags(input.tags);
      const prior = priorTasks(input.clientToken, ctx.now);
      if (prior) return { tasks: prior, failures: [] };
      const cluster = input.cluster ?? 'default';
      return groups.submit(cluster, (batch) => {
        // A call with the same token placed meanwhile (in an earlier group) answers for this one.
        const earlier = priorTasks(input.clientToken, ctx.now);
        if (earlier) return { result: { tasks: earlier, failures: [] } };
        const { records, plan, state } = runTasks(pools, batch, {
          ...input,
          ctx,
          cluster: ecs.activeCluster(input.cluster).value,
          definition: definition(input.taskDefinition),
          count,
          tags,
        });
        if (input.clientToken !== undefined && records.length > 0) {
          batch.txn.put(tables.clientTokens, input.clientToken, {
            taskArns: records.map((r) => r.task.taskArn!),
            expiresAt: new Date(ctx.now.getTime() + CLIENT_TOKEN_TTL_MS),
          });
        }
        return { result: { tasks: records.map((r) => r.task), failures: failures(plan, false) }, placed: { state, plan } };
      }, input.clientToken);
    },

    async StartTask(input: StartTaskRequest, ctx: RequestContext): Promise<StartTaskResponse> {
      const forwarded = (await forward('StartTask', input, ctx)) as StartTaskResponse | undefined;
      if (forwarded) return forwarded;
      const refs = input.containerInstances ?? [];
      if (refs.length < 1 || refs.length > 10) {
        throw new InvalidParameter('containerInstances must list between 1 and 10 container instances.');
      }
      const tags = initialTags(input.tags);
      return groups.submit(input.cluster ?? 'default', (batch) => {
        const cluster = ecs.activeCluster(input.cluster).value;
        const instanceArns = refs.map((r) =>
          r.startsWith('arn:') ? r : tables.containerInstances.get(`${cluster.clusterName}/${r}`)?.value.containerInstanceArn ?? r,
        );
        const { records, plan, state } = runTasks(pools, batch, {
          ...input,
          ctx,
          cluster,
          definition: definition(input.taskDefinition),
          count: instanceArns.length,
          tags,
          instanceArns,
        });
        return { result: { tasks: records.map((r) => r.task), failures: failures(plan, true) }, placed: { state, plan } };
      });
    },
  };
}
