// Managed scaling of capacity providers, which in Wharf are pools of agents (domain/capacityProvider.ts) with no Auto
// Scaling group to resize. For each provider with managedScaling ENABLED and each cluster it is associated with,
// capacityReservations() computes ECS's CapacityProviderReservation, M / N x 100: N the pool's instances in the
// cluster (ACTIVE, agent connected), M the instances the provider needs: those running at least one task, plus
// minimumScalingStepSize more while a service using the provider cannot place a task (ECS adds instances for its
// PROVISIONING tasks; Wharf's unplaced service tasks stand for those). With N = 0 it is 200 when M > 0, else 100.
// The metric is recorded by metrics/ (AWS/ECS/ManagedScaling, dimensions CapacityProviderName and ClusterName).
// Since Wharf cannot start or stop hosts itself, the advice that follows from the target (desired N = ceil(M x 100 /
// targetCapacity), moved by at least minimumScalingStepSize and at most maximumScalingStepSize) is POSTed to the
// --capacity-scaling-webhook each period while it differs from N, for a person or script to add or remove agents;
// the instances it may remove are those without tasks when managedTerminationProtection is ENABLED (ECS's termination
// protection keeps instances with tasks), else every instance, idle ones first.
import type { Logger } from 'pino';
import type { CapacityProviderRecord } from '../domain/capacityProvider.js';
import { POOL_ATTRIBUTE } from '../domain/capacityProvider.js';
import type { Tables } from '../state/tables.js';

export const MANAGED_SCALING_NAMESPACE = 'AWS/ECS/ManagedScaling';

export interface CapacityReservation {
  capacityProviderName: string;
  clusterName: string;
  /** The Auto Scaling group name: the pool. */
  pool: string;
  /** Instances needed (M) and instances there (N). */
  needed: number;
  instances: number;
  reservation: number;
  targetCapacity: number;
  desiredInstances: number;
  /** Instance ARNs a script may take away (termination protection keeps those with tasks). */
  removable: string[];
}

/** Every provider with managed scaling ENABLED, in every cluster it is associated with. */
export function capacityReservations(tables: Tables): CapacityReservation[] {
  const out: CapacityReservation[] = [];
  const providers = new Map<string, CapacityProviderRecord>();
  for (const row of tables.capacityProviders.values()) {
    const cp = row.value.capacityProvider;
    if (cp.status === 'ACTIVE' && cp.autoScalingGroupProvider?.managedScaling?.status === 'ENABLED') providers.set(cp.name!, row.value);
  }
  if (providers.size === 0) return out;
  for (const c of tables.clusters.values()) {
    const cluster = c.value;
    if (cluster.status !== 'ACTIVE') continue;
    for (const name of cluster.capacityProviders ?? []) {
      const rec = providers.get(name);
      if (rec) out.push(reservationIn(tables, cluster.clusterName!, name, rec));
    }
  }
  return out;
}

function reservationIn(tables: Tables, clusterName: string, name: string, rec: CapacityProviderRecord): CapacityReservation {
  const asg = rec.capacityProvider.autoScalingGroupProvider!;
  const ms = asg.managedScaling ?? {};
  const busy = new Set<string>();
  for (const t of tables.tasks.byIndex('cluster', clusterName)) if (t.value.instanceKey && t.value.task.lastStatus !== 'STOPPED') busy.add(t.value.instanceKey);
  const pool: { arn: string; busy: boolean }[] = [];
  for (const row of tables.containerInstances.byIndex('cluster', clusterName)) {
    const ci = row.value;
    if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
    if (ci.attributes?.find((a) => a.name === POOL_ATTRIBUTE)?.value !== rec.pool) continue;
    pool.push({ arn: ci.containerInstanceArn!, busy: busy.has(row.id) });
  }
  const n = pool.length;
  const minStep = ms.minimumScalingStepSize ?? 1;
  const maxStep = ms.maximumScalingStepSize ?? 10000;
  const m = pool.filter((p) => p.busy).length + (waiting(tables, clusterName, name) ? minStep : 0);
  const reservation = n === 0 ? (m > 0 ? 200 : 100) : (m / n) * 100;
  const target = ms.targetCapacity ?? 100;
  const ideal = Math.ceil((m * 100) / target - 1e-9);
  const step = ideal === n ? 0 : Math.min(maxStep, Math.max(minStep, Math.abs(ideal - n)));
  const desired = ideal > n ? n + step : Math.max(ideal, n - step);
  const protect = asg.managedTerminationProtection === 'ENABLED';
  const removable = [...pool.filter((p) => !p.busy), ...(protect ? [] : pool.filter((p) => p.busy))].map((p) => p.arn);
  return { capacityProviderName: name, clusterName, pool: rec.pool, needed: m, instances: n, reservation, targetCapacity: target, desiredInstances: desired, removable };
}

/** Whether a service of the cluster that uses the provider says it cannot place a task. */
function waiting(tables: Tables, clusterName: string, provider: string): boolean {
  for (const row of tables.services.values()) {
    const rec = row.value;
    if (rec.clusterName !== clusterName || rec.service.status !== 'ACTIVE') continue;
    const strategy = rec.deployments[0]?.capacityProviderStrategy ?? rec.service.capacityProviderStrategy ?? [];
    if (!strategy.some((s) => s.capacityProvider === provider)) continue;
    if (/was unable to place a task/.test(rec.events[0]?.message ?? '')) return true;
  }
  return false;
}

/** The leader's loop: each period, the advice for every pool whose desired size differs from its size. */
export class CapacityScalingAdvisor {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { tables: Tables; webhook?: string; periodMs: number; logger: Logger }) {}

  start(): void {
    if (!this.opts.webhook) return;
    this.timer = setInterval(() => void this.pass(), this.opts.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async pass(): Promise<void> {
    for (const r of capacityReservations(this.opts.tables)) {
      if (r.desiredInstances === r.instances) continue;
      const body = {
        capacityProviderName: r.capacityProviderName,
        clusterName: r.clusterName,
        autoScalingGroupName: r.pool,
        capacityProviderReservation: r.reservation,
        targetCapacity: r.targetCapacity,
        instances: r.instances,
        desiredInstances: r.desiredInstances,
        ...(r.desiredInstances > r.instances
          ? { add: r.desiredInstances - r.instances }
          : { remove: r.instances - r.desiredInstances, removable: r.removable.slice(0, r.instances - r.desiredInstances) }),
      };
      try {
        const res = await fetch(this.opts.webhook!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        await res.text();
      } catch (err) {
        this.opts.logger.warn({ err: (err as Error).message, capacityProvider: r.capacityProviderName }, 'capacity scaling webhook failed');
      }
    }
  }
}
