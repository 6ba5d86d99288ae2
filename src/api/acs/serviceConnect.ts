// Service Connect's data for the agents: for a task whose deployment has Service Connect enabled, every client alias
// of its namespace with the endpoints behind it (the healthy, wanted tasks of the services that offer it), so the
// agent can answer the alias names inside the task and balance connections over the endpoints. Endpoints are host
// addresses as the agent reaches them: an awsvpc task's own address and container port, a bridge task's host
// publish address and host port. A task that is to stop (desired STOPPED, draining) or failing its health checks
// is never an endpoint.
import type { Deployment, ServiceConnectService } from '@aws-sdk/client-ecs';
import type { AgentServiceConnect, ServiceConnectAlias } from '../../agent/protocol.js';
import type { ServiceRecord } from '../../domain/service.js';
import { defaultIdleTimeoutSeconds } from '../../domain/serviceConnect.js';
import type { TaskRecord } from '../../domain/task.js';
import type { Tables } from '../../state/tables.js';
import { findTaskDefinition } from '../ecs/taskDefinitions.js';

/** Aliases by namespace ARN, made once per batch of changes (one push may name many tasks of one namespace). */
export type AliasMemo = Map<string, ServiceConnectAlias[]>;

/** The Service Connect configuration the agent gets with a task, or undefined when its deployment has none. */
export function serviceConnectOf(tables: Tables, rec: TaskRecord, memo: AliasMemo = new Map()): AgentServiceConnect | undefined {
  const svc = serviceOf(tables, rec);
  const dep = svc?.deployments.find((d) => d.id === rec.task.startedBy) ?? svc?.deployments[0];
  const cfg = dep?.serviceConnectConfiguration;
  if (!cfg?.enabled || !cfg.namespace) return undefined;
  if (!memo.has(cfg.namespace)) memo.set(cfg.namespace, aliasesIn(tables, cfg.namespace));
  return { aliases: memo.get(cfg.namespace)! };
}

/** Whether any service uses Service Connect (most clusters: none, and nothing here costs anything). */
export function anyServiceConnect(tables: Tables): boolean {
  for (const row of tables.services.values()) if (row.value.deployments.some((d) => d.serviceConnectConfiguration?.enabled)) return true;
  return false;
}

function serviceOf(tables: Tables, rec: TaskRecord): ServiceRecord | undefined {
  const group = rec.task.group ?? '';
  return group.startsWith('service:') ? tables.services.get(`${rec.clusterName}/${group.slice('service:'.length)}`)?.value : undefined;
}

/** Every client alias offered in the namespace, each with its endpoints, sorted for a stable comparison. */
export function aliasesIn(tables: Tables, namespace: string): ServiceConnectAlias[] {
  const byAlias = new Map<string, ServiceConnectAlias>();
  for (const row of tables.services.values()) {
    const svc = row.value;
    if (svc.service.status === 'INACTIVE') continue;
    for (const dep of svc.deployments) {
      const cfg = dep.serviceConnectConfiguration;
      if (!cfg?.enabled || cfg.namespace !== namespace) continue;
      for (const s of cfg.services ?? []) {
        const endpoints = s.clientAliases?.length ? endpointsOf(tables, svc, dep, s.portName!) : [];
        for (const a of s.clientAliases ?? []) {
          const key = `${a.dnsName!.toLowerCase()}:${a.port}`;
          // The newest deployment that offers the alias sets its idle timeout (deployments are newest first).
          const alias = byAlias.get(key) ?? { dnsName: a.dnsName!.toLowerCase().replace(/\.$/, ''), port: a.port!, endpoints: [], idleTimeoutSeconds: idleTimeoutOf(tables, dep, s) };
          alias.endpoints.push(...endpoints);
          byAlias.set(key, alias);
        }
      }
    }
  }
  const out = [...byAlias.values()].sort((a, b) => (a.dnsName === b.dnsName ? a.port - b.port : a.dnsName < b.dnsName ? -1 : 1));
  for (const a of out) a.endpoints.sort((x, y) => (x.address === y.address ? x.port - y.port : x.address < y.address ? -1 : 1));
  return out;
}

/** The entry's idleTimeoutSeconds, or ECS's default for the application protocol of its port mapping. */
function idleTimeoutOf(tables: Tables, dep: Deployment, s: ServiceConnectService): number {
  if (s.timeout?.idleTimeoutSeconds !== undefined) return s.timeout.idleTimeoutSeconds;
  const td = findTaskDefinition(tables, dep.taskDefinition!)?.value.taskDefinition;
  const mapping = td?.containerDefinitions?.flatMap((c) => c.portMappings ?? []).find((p) => p.name === s.portName);
  return defaultIdleTimeoutSeconds(mapping?.appProtocol);
}

const healthChecked = new Map<string, boolean>();

function endpointsOf(tables: Tables, svc: ServiceRecord, dep: Deployment, portName: string): { address: string; port: number }[] {
  const out: { address: string; port: number }[] = [];
  for (const row of tables.tasks.byIndex('live', 'live')) {
    const rec = row.value;
    const t = rec.task;
    if (rec.clusterName !== svc.clusterName || t.group !== `service:${svc.service.serviceName}` || t.startedBy !== dep.id) continue;
    if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING' || t.healthStatus === 'UNHEALTHY') continue;
    const td = findTaskDefinition(tables, t.taskDefinitionArn!)?.value.taskDefinition;
    if (!td) continue;
    if (!healthChecked.has(td.taskDefinitionArn!)) {
      healthChecked.set(td.taskDefinitionArn!, (td.containerDefinitions ?? []).some((c) => c.healthCheck?.command?.length));
    }
    if (healthChecked.get(td.taskDefinitionArn!) && t.healthStatus !== 'HEALTHY') continue;
    const container = td.containerDefinitions?.find((c) => c.portMappings?.some((p) => p.name === portName));
    const containerPort = container?.portMappings?.find((p) => p.name === portName)?.containerPort;
    if (!container || containerPort === undefined) continue;
    if (rec.privateIPv4Address) {
      out.push({ address: rec.privateIPv4Address, port: containerPort });
      continue;
    }
    const mapping = (rec.hostPorts[container.name!] ?? []).find((p) => p.containerPort === containerPort);
    const ci = rec.instanceKey ? tables.containerInstances.get(rec.instanceKey)?.value : undefined;
    const host = ci?.attributes?.find((a) => a.name === 'wharf.publish-address')?.value ?? '127.0.0.1';
    if (mapping) out.push({ address: host, port: mapping.hostPort });
  }
  return out;
}
