// A service's serviceConnectConfiguration checked and completed as ECS does at CreateService/UpdateService: the
// namespace (the service's own, else the cluster's serviceConnectDefaults) must exist, each entry names a named port
// mapping of the task definition, discoveryName defaults to portName and is unique, and a client alias needs a port
// (its dnsName defaults to DISCOVERYNAME.NAMESPACE). What is stored is the completed form, the namespace as its ARN,
// so the data path (api/acs/serviceConnect.ts) needs no lookups.
import type { ServiceConnectConfiguration, ServiceConnectService, TaskDefinition } from '@aws-sdk/client-ecs';
import { InvalidParameter, NamespaceNotFound } from './errors.js';

export interface NamespaceRef {
  arn: string;
  name: string;
}

const DISCOVERY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;
const DNS_LABEL = /^(?!-)[a-zA-Z0-9-]{1,63}(?<!-)$/;

function validDnsName(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.length > 0 && n.length <= 253 && n.split('.').every((l) => DNS_LABEL.test(l));
}

/**
 * The configuration to store, or undefined when none was given. `findNamespace` looks a namespace up by name or ARN.
 * Throws ECS's errors; nothing is written on a refusal.
 */
export function resolveServiceConnect(
  cfg: ServiceConnectConfiguration | undefined,
  td: TaskDefinition,
  defaultNamespace: string | undefined,
  findNamespace: (ref: string) => NamespaceRef | undefined,
): ServiceConnectConfiguration | undefined {
  if (!cfg) return undefined;
  if (!cfg.enabled) {
    if (cfg.services?.length) throw new InvalidParameter('Service Connect services cannot be specified when Service Connect is not enabled.');
    return { enabled: false };
  }
  const ref = cfg.namespace ?? defaultNamespace;
  if (!ref) {
    throw new InvalidParameter('A namespace must be specified in the serviceConnectConfiguration or in the serviceConnectDefaults of the cluster.');
  }
  const ns = findNamespace(ref);
  if (!ns) throw new NamespaceNotFound(`The namespace ${ref} could not be found.`);
  const mode = td.networkMode ?? 'bridge';
  if (mode !== 'awsvpc' && mode !== 'bridge') throw new InvalidParameter(`Service Connect is not supported for tasks that use the ${mode} network mode.`);
  const named = new Map<string, number>();
  for (const c of td.containerDefinitions ?? []) for (const p of c.portMappings ?? []) if (p.name && p.containerPort !== undefined) named.set(p.name, p.containerPort);
  const seen = new Set<string>();
  const services = (cfg.services ?? []).map((s): ServiceConnectService => {
    const portName = s.portName ?? '';
    if (!named.has(portName)) {
      throw new InvalidParameter(`The portName ${portName} in the serviceConnectConfiguration does not match a named port mapping in task definition ${td.family}:${td.revision}.`);
    }
    const discoveryName = s.discoveryName ?? portName;
    if (!DISCOVERY_NAME.test(discoveryName)) {
      throw new InvalidParameter(`The discoveryName ${discoveryName} is not valid. It can have up to 64 letters, numbers, underscores and hyphens, and must start with a letter or number.`);
    }
    if (seen.has(discoveryName)) throw new InvalidParameter(`The discoveryName ${discoveryName} is used by more than one Service Connect service in this service.`);
    seen.add(discoveryName);
    if ((s.clientAliases?.length ?? 0) > 1) throw new InvalidParameter('A Service Connect service can have at most one client alias.');
    const clientAliases = (s.clientAliases ?? []).map((a) => {
      if (a.port === undefined || !Number.isInteger(a.port) || a.port < 1 || a.port > 65535) {
        throw new InvalidParameter('The port of a client alias must be between 1 and 65535.');
      }
      const dnsName = a.dnsName ?? `${discoveryName}.${ns.name}`;
      if (!validDnsName(dnsName)) throw new InvalidParameter(`The dnsName ${dnsName} of a client alias is not a valid DNS name.`);
      return { port: a.port, dnsName };
    });
    if (s.ingressPortOverride !== undefined && (s.ingressPortOverride < 1 || s.ingressPortOverride > 65535)) {
      throw new InvalidParameter('The ingressPortOverride must be between 1 and 65535.');
    }
    return { ...s, portName, discoveryName, clientAliases };
  });
  return { ...cfg, enabled: true, namespace: ns.arn, services };
}

/** Whether a configuration makes its tasks reachable through Service Connect (it names a service). */
export function servesConnect(cfg: ServiceConnectConfiguration | undefined): boolean {
  return !!cfg?.enabled && (cfg.services?.length ?? 0) > 0;
}
