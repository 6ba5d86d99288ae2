// Services with `serviceRegistries`: each task is a Cloud Map instance (its id the task id, as ECS does) while it is
// RUNNING and wanted, once HEALTHY when its definition has container health checks, with the attributes ECS sets.
// A task whose health check fails is marked UNHEALTHY (or, in a Cloud Map service without custom health,
// deregistered), so DNS stops answering it at once. A task that is to stop is deregistered before it leaves
// DEACTIVATING (targetRegistration.ts calls `release` on its way), so a rolling update never hands out a stopping task.
// Level-driven: each pass compares the instances ECS should have registered with those Cloud Map holds (the ones
// carrying ECS_CLUSTER_NAME), so a restart or a task lost while Wharf was down leaves nothing behind.
// Service Connect: each server entry of a service's Service Connect configuration is a Cloud Map service in the
// namespace, named by its discoveryName, which ECS creates (API-only, no DNS records) and whose instances are the
// tasks of the deployments that serve it, registered and removed by the same passes as `serviceRegistries`.
import type { ServiceConnectConfiguration, ServiceRegistry } from '@aws-sdk/client-ecs';
import type { Logger } from 'pino';
import { ServiceEvents } from '../domain/deployment.js';
import { registriesFor, type ServiceRecord } from '../domain/service.js';
import { servesConnect } from '../domain/serviceConnect.js';
import type { TaskRecord } from '../domain/task.js';
import type { StateCache } from '../store/cache.js';
import type { Tables } from '../state/tables.js';
import { writeServiceEvent } from './services/events.js';

export interface RegisteredInstance {
  instanceId: string;
  attributes: Record<string, string>;
  health?: 'HEALTHY' | 'UNHEALTHY';
}

/** The Cloud Map operations this controller needs (api/servicediscovery provides them). */
export interface InstanceRegistry {
  /** Every Cloud Map service's ARN (instances ECS registered may be left in one no ECS service names any more). */
  registries(): string[];
  /** The instances of a Cloud Map service, or undefined when it does not exist. */
  instances(registryArn: string): RegisteredInstance[] | undefined;
  register(registryArn: string, instanceId: string, attributes: Record<string, string>): Promise<void>;
  deregister(registryArn: string, instanceId: string): Promise<void>;
  /** Sets custom health; false when the service has no HealthCheckCustomConfig. */
  setHealth(registryArn: string, instanceId: string, health: 'HEALTHY' | 'UNHEALTHY'): Promise<boolean>;
  /** The ARN of the Cloud Map service `name` in a namespace (by ARN), or undefined. */
  serviceIn(namespaceArn: string, name: string): string | undefined;
  /** Creates the Cloud Map service of a Service Connect discovery name; its ARN. */
  createService(namespaceArn: string, name: string): Promise<string>;
}

export interface DiscoveryRegistrationOptions {
  cache: StateCache;
  tables: Tables;
  registry: InstanceRegistry;
  region: string;
  logger: Logger;
  /** How long a deregistered task keeps running for clients that resolved it just before (default 1 s). */
  settleMs?: number;
}

interface Wanted {
  svc: ServiceRecord;
  attributes: Record<string, string>;
  health: 'HEALTHY' | 'UNHEALTHY';
}

export class DiscoveryRegistrationController {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly checks = new Map<string, boolean>();

  constructor(private readonly opts: DiscoveryRegistrationOptions) {}

  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.pass(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Deregisters a task that is about to stop from every registry of its service. */
  async release(taskKey: string): Promise<void> {
    // A pass that read the task while it was still RUNNING may be about to register it: let it finish, so what is
    // looked up below is final (later passes see the task DEACTIVATING and leave it alone).
    await this.running;
    const rec = this.opts.tables.tasks.get(taskKey)?.value;
    const svc = rec ? this.serviceOf(rec) : undefined;
    if (!rec || !svc) return;
    const id = taskIdOf(taskKey);
    let left = false;
    for (const reg of [...registriesFor(svc, rec.task.startedBy), ...this.connectRegistries(svc, rec)]) {
      const arn = reg.registryArn!;
      if (!this.opts.registry.instances(arn)?.some((i) => i.instanceId === id)) continue;
      await this.opts.registry.deregister(arn, id);
      await this.event(svc, ServiceEvents.deregisteredInstances(svc.service.serviceName!, 1, arn));
      left = true;
    }
    // A client that was handed the address a moment ago is still connecting: let it in before the task stops.
    if (left) await new Promise((r) => setTimeout(r, this.opts.settleMs ?? 1000));
  }

  async pass(): Promise<void> {
    if (this.running) return;
    this.running = this.reconcile()
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'service discovery registration pass failed; retrying'))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }

  private async reconcile(): Promise<void> {
    const { tables, registry } = this.opts;
    await this.ensureConnectServices();
    // registry arn -> task id -> what should be there.
    const wanted = new Map<string, Map<string, Wanted>>();
    // Tasks on their way out through targetRegistration.ts: `release` deregisters them and lets clients settle.
    const releasing = new Set<string>();
    for (const row of [...tables.tasks.byIndex('live', 'live')]) {
      const rec = row.value;
      const t = rec.task;
      if (t.lastStatus === 'DEACTIVATING' && rec.awaitsDeregistration) releasing.add(taskIdOf(row.id));
      if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') continue;
      const svc = this.serviceOf(rec);
      if (!svc) continue;
      const id = taskIdOf(row.id);
      // The registries of the task's own deployment: a change of serviceRegistries rolls out with a new one.
      for (const reg of [...registriesFor(svc, t.startedBy), ...this.connectRegistries(svc, rec)]) {
        const arn = reg.registryArn!;
        const present = registry.instances(arn)?.some((i) => i.instanceId === id) ?? false;
        // With container health checks a task joins once HEALTHY; after that a failing check marks it UNHEALTHY.
        if (this.hasHealthCheck(t.taskDefinitionArn) && t.healthStatus !== 'HEALTHY' && !(present && t.healthStatus === 'UNHEALTHY')) continue;
        const attributes = this.attributesOf(rec, svc, reg);
        if (!attributes) continue;
        if (!wanted.has(arn)) wanted.set(arn, new Map());
        wanted.get(arn)!.set(id, { svc, attributes, health: t.healthStatus === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY' });
      }
    }
    for (const arn of new Set([...registry.registries(), ...wanted.keys()])) {
      const current = registry.instances(arn);
      if (!current) continue; // The Cloud Map service is gone: nothing to register in.
      const want = wanted.get(arn) ?? new Map<string, Wanted>();
      // What ECS registered: a task's id with the attributes ECS sets (an instance a person registered is left alone).
      const ecsOwned = current.filter((i) => i.attributes.ECS_CLUSTER_NAME !== undefined && i.attributes.ECS_SERVICE_NAME !== undefined && TASK_ID.test(i.instanceId));
      for (const inst of ecsOwned) {
        if (want.has(inst.instanceId) || releasing.has(inst.instanceId)) continue;
        await registry.deregister(arn, inst.instanceId);
        const svc = this.serviceNamed(inst.attributes.ECS_CLUSTER_NAME!, inst.attributes.ECS_SERVICE_NAME);
        if (svc) await this.event(svc, ServiceEvents.deregisteredInstances(svc.service.serviceName!, 1, arn));
      }
      for (const [id, w] of want) {
        const have = current.find((i) => i.instanceId === id);
        if (!have) {
          await registry.register(arn, id, w.attributes);
          await this.event(w.svc, ServiceEvents.registeredInstances(w.svc.service.serviceName!, 1, arn));
          continue;
        }
        if (w.health === 'UNHEALTHY' && have.health !== 'UNHEALTHY') {
          if (!(await registry.setHealth(arn, id, 'UNHEALTHY'))) {
            // No custom health in that Cloud Map service: leaving it is the only way out of the answers.
            await registry.deregister(arn, id);
            await this.event(w.svc, ServiceEvents.deregisteredInstances(w.svc.service.serviceName!, 1, arn));
          }
        } else if (w.health === 'HEALTHY' && have.health === 'UNHEALTHY') {
          await registry.setHealth(arn, id, 'HEALTHY');
        }
      }
    }
  }

  /** Creates the Cloud Map service of every discovery name a live ECS service serves, where it is missing. */
  private async ensureConnectServices(): Promise<void> {
    const { tables, registry, logger } = this.opts;
    for (const row of tables.services.values()) {
      if (row.value.service.status === 'INACTIVE') continue;
      for (const d of row.value.deployments) {
        const cfg = d.serviceConnectConfiguration;
        if (!servesConnect(cfg)) continue;
        for (const s of cfg!.services!) {
          if (registry.serviceIn(cfg!.namespace!, s.discoveryName!)) continue;
          try {
            await registry.createService(cfg!.namespace!, s.discoveryName!);
          } catch (err) {
            // The namespace is gone, say: the service's tasks still serve their aliases; nothing to register in.
            logger.warn({ err: (err as Error).message, namespace: cfg!.namespace, name: s.discoveryName }, 'cannot create the Service Connect Cloud Map service');
          }
        }
      }
    }
  }

  /**
   * The Cloud Map services a task of a Service Connect server registers in, as registries naming the container and
   * port of each entry's portName (so its instance carries that port), for the configuration of its own deployment.
   */
  private connectRegistries(svc: ServiceRecord, rec: TaskRecord): ServiceRegistry[] {
    const dep = svc.deployments.find((d) => d.id === rec.task.startedBy);
    const cfg: ServiceConnectConfiguration | undefined = dep?.serviceConnectConfiguration;
    if (!servesConnect(cfg)) return [];
    const td = [...this.opts.tables.taskDefinitions.byIndex('arn', rec.task.taskDefinitionArn ?? '')][0]?.value.taskDefinition;
    const out: ServiceRegistry[] = [];
    for (const s of cfg!.services!) {
      const registryArn = this.opts.registry.serviceIn(cfg!.namespace!, s.discoveryName!);
      const container = td?.containerDefinitions?.find((c) => c.portMappings?.some((p) => p.name === s.portName));
      const containerPort = container?.portMappings?.find((p) => p.name === s.portName)?.containerPort;
      if (registryArn && container && containerPort !== undefined) out.push({ registryArn, containerName: container.name, containerPort });
    }
    return out;
  }

  private hasHealthCheck(arn: string | undefined): boolean {
    if (!arn) return false;
    if (!this.checks.has(arn)) {
      const td = [...this.opts.tables.taskDefinitions.byIndex('arn', arn)][0]?.value.taskDefinition;
      if (!td) return false;
      this.checks.set(arn, (td.containerDefinitions ?? []).some((c) => c.healthCheck?.command?.length));
    }
    return this.checks.get(arn)!;
  }

  /** The attributes ECS gives a task's instance; undefined while the task lacks what the registry names. */
  private attributesOf(rec: TaskRecord, svc: ServiceRecord, reg: ServiceRegistry): Record<string, string> | undefined {
    const t = rec.task;
    const ci = rec.instanceKey ? this.opts.tables.containerInstances.get(rec.instanceKey)?.value : undefined;
    const hostAddress = ci?.attributes?.find((a) => a.name === 'wharf.publish-address')?.value ?? '127.0.0.1';
    const family = /task-definition\/([^:]+):/.exec(t.taskDefinitionArn ?? '')?.[1];
    const attrs: Record<string, string> = {
      AWS_INSTANCE_IPV4: rec.privateIPv4Address ?? hostAddress,
      REGION: this.opts.region,
      ECS_CLUSTER_NAME: rec.clusterName,
      ECS_SERVICE_NAME: svc.service.serviceName!,
    };
    if (family) attrs.ECS_TASK_DEFINITION_FAMILY = family;
    if (t.availabilityZone) attrs.AVAILABILITY_ZONE = t.availabilityZone;
    if (reg.containerName !== undefined && reg.containerPort !== undefined) {
      const mapping = (rec.hostPorts[reg.containerName] ?? []).find((p) => p.containerPort === reg.containerPort);
      if (!mapping) return undefined;
      attrs.AWS_INSTANCE_PORT = String(rec.privateIPv4Address ? mapping.containerPort : mapping.hostPort);
    } else if (reg.port !== undefined) {
      attrs.AWS_INSTANCE_PORT = String(reg.port);
    }
    return attrs;
  }

  private serviceOf(rec: TaskRecord): ServiceRecord | undefined {
    const group = rec.task.group ?? '';
    if (!group.startsWith('service:')) return undefined;
    return this.serviceNamed(rec.clusterName, group.slice('service:'.length));
  }

  private serviceNamed(cluster: string, name: string | undefined): ServiceRecord | undefined {
    return name === undefined ? undefined : this.opts.tables.services.get(`${cluster}/${name}`)?.value;
  }

  private event(svc: ServiceRecord, message: string): Promise<void> {
    return writeServiceEvent(this.opts.cache, this.opts.tables, svc, message);
  }
}

const TASK_ID = /^[0-9a-f]{32}$/;

function taskIdOf(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}
