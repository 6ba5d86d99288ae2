// Services behind load balancers: registers each task of a service with `loadBalancers` in its target groups once
// it is RUNNING (ip targets with the task's address in awsvpc, instance targets with the host port otherwise), and
// when the task is to stop (DEACTIVATING, awaiting deregistration) deregisters it, waits out the target group's
// draining, and only then feeds the task machine target-deregistered (on to STOPPING), so no request in flight is
// dropped. Level-driven: each pass compares what should be
// registered with what this controller has registered; safe to restart (registration is idempotent). A task change
// that asks for a registration or a deregistration starts a pass at once (a stopping task's drain, and so its stop,
// begins without waiting for the resync); the periodic pass only catches what an event missed.
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { Logger } from 'pino';
import { hasLoadBalancers, loadBalancersOf, targetGroupFor, type ServiceRecord } from '../domain/service.js';
import { ServiceEvents } from '../domain/deployment.js';
import type { TaskRecord } from '../domain/task.js';
import type { Row, StateCache } from '../store/cache.js';
import type { Tables } from '../state/tables.js';
import { feedTask } from '../tasks/batch.js';
import { writeServiceEvent } from './services/events.js';

export interface TargetRef {
  Id: string;
  Port: number;
}

/** The load balancer operations this controller needs (src/lb provides them). */
export interface TargetRegistry {
  registerTargets(targetGroupArn: string, targets: TargetRef[]): Promise<void>;
  /** Resolves once the targets are drained (nothing in flight, or the deregistration delay passed). */
  deregisterTargets(targetGroupArn: string, targets: TargetRef[]): Promise<void>;
  targetState(targetGroupArn: string, target: TargetRef): string;
}

export interface TargetRegistrationOptions {
  cache: StateCache;
  tables: Tables;
  registry: TargetRegistry;
  logger: Logger;
  stoppedRetentionMs: number;
  /** Other registrations a stopping task leaves first (Cloud Map: discoveryRegistration.ts). */
  beforeRelease?: (taskKey: string) => Promise<void>;
}

export class TargetRegistrationController {
  /** task id -> the target groups it is registered in. */
  private readonly registered = new Map<string, { group: string; target: TargetRef }[]>();
  private readonly draining = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private kick: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  /** A pass was asked for while one ran: run again once it ends. */
  private again = false;

  constructor(private readonly opts: TargetRegistrationOptions) {}

  start(intervalMs = 500): void {
    const prefix = this.opts.tables.tasks.prefix;
    this.unsubscribe = this.opts.cache.onChange((keys) => {
      if (keys.some((k) => k.startsWith(prefix) && this.needsPass(k.slice(prefix.length)))) this.schedule();
    });
    this.timer = setInterval(() => void this.pass(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.kick) clearImmediate(this.kick);
    this.kick = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.again = false;
  }

  /** Whether the task's change is one a pass acts on: to deactivate, to register, or gone while registered. */
  private needsPass(id: string): boolean {
    const rec = this.opts.tables.tasks.get(id)?.value;
    if (!rec) return this.registered.has(id) && !this.draining.has(id);
    const t = rec.task;
    if (t.lastStatus === 'DEACTIVATING') return !!rec.awaitsDeregistration && !this.draining.has(id);
    if (t.lastStatus === 'STOPPED') return this.registered.has(id) && !this.draining.has(id);
    if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING' || this.registered.has(id)) return false;
    const svc = this.serviceOf(rec);
    return !!svc && hasLoadBalancers(svc);
  }

  private schedule(): void {
    if (this.kick || !this.unsubscribe) return;
    this.kick = setImmediate(() => {
      this.kick = undefined;
      if (this.running) this.again = true;
      else void this.pass();
    });
  }

  /** The target group in which the task's target is failing health checks, if any. */
  failingGroup(rec: TaskRecord, svc: ServiceRecord): string | undefined {
    for (const lb of loadBalancersOf(svc, rec.task.startedBy)) {
      const target = targetOf(this.opts.tables, rec, lb);
      const group = targetGroupFor(svc, lb, rec.task.startedBy);
      if (target && group && this.opts.registry.targetState(group, target) === 'unhealthy') return group;
    }
    return undefined;
  }

  /** Healthy in every target group of its service. */
  healthy(rec: TaskRecord, svc: ServiceRecord): boolean {
    return loadBalancersOf(svc, rec.task.startedBy).every((lb) => {
      const target = targetOf(this.opts.tables, rec, lb);
      const group = targetGroupFor(svc, lb, rec.task.startedBy);
      return target !== undefined && group !== undefined && this.opts.registry.targetState(group, target) === 'healthy';
    });
  }

  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const row of [...this.opts.tables.tasks.byIndex('live', 'live')]) {
        const t = row.value.task;
        const svc = this.serviceOf(row.value);
        if (t.lastStatus === 'DEACTIVATING' && row.value.awaitsDeregistration) {
          if (!this.draining.has(row.id)) void this.deactivate(row.id, svc);
          continue;
        }
        if (!svc || !hasLoadBalancers(svc)) continue;
        if (t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && !this.registered.has(row.id)) await this.register(row, svc);
      }
      // Tasks that stopped without deactivating (a crash, a lost host) leave their target groups too.
      for (const id of [...this.registered.keys()]) {
        const t = this.opts.tables.tasks.get(id)?.value.task;
        if ((!t || t.lastStatus === 'STOPPED') && !this.draining.has(id)) void this.deactivate(id, undefined);
      }
    } catch (err) {
      this.opts.logger.warn({ err }, 'target registration pass failed; retrying');
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      this.schedule();
    }
  }

  private serviceOf(rec: TaskRecord): ServiceRecord | undefined {
    const group = rec.task.group ?? '';
    if (!group.startsWith('service:')) return undefined;
    return this.opts.tables.services.get(`${rec.clusterName}/${group.slice('service:'.length)}`)?.value;
  }

  private async register(row: Row<TaskRecord>, svc: ServiceRecord): Promise<void> {
    const entries: { group: string; target: TargetRef }[] = [];
    for (const lb of loadBalancersOf(svc, row.value.task.startedBy)) {
      const target = targetOf(this.opts.tables, row.value, lb);
      const group = targetGroupFor(svc, lb, row.value.task.startedBy);
      if (!target || !group) continue;
      await this.opts.registry.registerTargets(group, [target]);
      entries.push({ group, target });
    }
    this.registered.set(row.id, entries);
    for (const e of entries) await this.event(svc, ServiceEvents.registeredTargets(svc.service.serviceName!, 1, e.group));
  }

  private async deactivate(id: string, svc: ServiceRecord | undefined): Promise<void> {
    this.draining.add(id);
    try {
      await this.opts.beforeRelease?.(id);
      const entries = this.registered.get(id) ?? this.targetsFromService(id, svc);
      await Promise.all(entries.map((e) => this.opts.registry.deregisterTargets(e.group, [e.target])));
      this.registered.delete(id);
      if (svc) for (const e of entries) await this.event(svc, ServiceEvents.deregisteredTargets(svc.service.serviceName!, 1, e.group));
      await feedTask(this.opts.cache, this.opts.tables, id, { type: 'target-deregistered' }, () => ({
        now: new Date(),
        stoppedRetentionMs: this.opts.stoppedRetentionMs,
      }));
    } catch (err) {
      this.opts.logger.warn({ err, task: id }, 'could not deregister a task from its target groups');
    } finally {
      this.draining.delete(id);
    }
  }

  private targetsFromService(id: string, svc: ServiceRecord | undefined) {
    const rec = this.opts.tables.tasks.get(id)?.value;
    if (!rec || !svc) return [];
    return loadBalancersOf(svc, rec.task.startedBy).flatMap((lb) => {
      const target = targetOf(this.opts.tables, rec, lb);
      const group = targetGroupFor(svc, lb, rec.task.startedBy);
      return target && group ? [{ group, target }] : [];
    });
  }

  private event(svc: ServiceRecord, message: string): Promise<void> {
    return writeServiceEvent(this.opts.cache, this.opts.tables, svc, message);
  }
}

/** The target a task is in a target group: its own address and the container port (awsvpc), else its host's
 * EC2-style instance id and the host port the container's port was published on. */
export function targetOf(tables: Tables, rec: TaskRecord, lb: LoadBalancer): TargetRef | undefined {
  const ports = rec.hostPorts[lb.containerName ?? ''] ?? [];
  const mapping = ports.find((p) => p.containerPort === lb.containerPort);
  if (!mapping) return undefined;
  if (rec.privateIPv4Address) return { Id: rec.privateIPv4Address, Port: mapping.containerPort };
  const ci = rec.instanceKey ? tables.containerInstances.get(rec.instanceKey)?.value : undefined;
  if (!ci?.ec2InstanceId) return undefined;
  return { Id: ci.ec2InstanceId, Port: mapping.hostPort };
}
