// A service's serviceConnectConfiguration checked and completed as ECS does at CreateService/UpdateService: the
// namespace (the service's own, else the cluster's serviceConnectDefaults) must exist, each entry names a named port
// mapping of the task definition, discoveryName defaults to portName and is unique, and a client alias needs a port
// (its dnsName defaults to DISCOVERYNAME.NAMESPACE). What is stored is the completed form, the namespace as its ARN,
// so the data path (api/acs/serviceConnect.ts) needs no lookups.
import type { ServiceConnectConfiguration, ServiceConnectService, TaskDefinition } from '@aws-sdk/client-ecs';
import { ClientError, InvalidParameter, NamespaceNotFound } from './errors.js';

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

/** The application protocols Service Connect treats as requests (the rest, and none, are TCP). */
const REQUEST_PROTOCOLS = new Set(['http', 'http2', 'grpc']);
/** The proxy's default idle timeout: 5 minutes for HTTP, HTTP/2 and gRPC, 1 hour for TCP (ECS's TimeoutConfiguration). */
export function defaultIdleTimeoutSeconds(appProtocol: string | undefined): number {
  return appProtocol && REQUEST_PROTOCOLS.has(appProtocol) ? 300 : 3600;
}

export interface ServiceConnectChecks {
  /** The operation refused by a discovery name another service uses ("CreateService" or "UpdateService"). */
  operation: 'CreateService' | 'UpdateService';
  /** Whether another live ECS service serves `discoveryName` in the namespace (by ARN). */
  usedElsewhere?: (namespaceArn: string, discoveryName: string) => boolean;
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
  checks: ServiceConnectChecks = { operation: 'CreateService' },
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
  if (!ns) throw new NamespaceNotFound(`Failed to retrieve namespace for ${ref}`); // ECS's wording
  const mode = td.networkMode ?? 'bridge';
  if (mode !== 'awsvpc' && mode !== 'bridge') throw new InvalidParameter(`Service Connect is not supported for tasks that use the ${mode} network mode.`);
  const named = new Map<string, { containerPort: number; appProtocol?: string }>();
  for (const c of td.containerDefinitions ?? []) {
    for (const p of c.portMappings ?? []) if (p.name && p.containerPort !== undefined) named.set(p.name, { containerPort: p.containerPort, appProtocol: p.appProtocol });
  }
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
    // ECS's own wording. The override is accepted and stored; Wharf has no proxy in the server task to move
    // (docs/architecture.md, Service Connect).
    if (s.ingressPortOverride !== undefined && s.ingressPortOverride <= 1024) throw new InvalidParameter('IngressPortOverride cannot use ports <= 1024.');
    const perRequest = s.timeout?.perRequestTimeoutSeconds;
    if (perRequest !== undefined && !REQUEST_PROTOCOLS.has(named.get(portName)!.appProtocol ?? '')) {
      throw new InvalidParameter(`Per request timeout ${perRequest} can't be set for tcp application.`);
    }
    if (s.tls) checkTls(s.tls);
    if (checks.usedElsewhere?.(ns.arn, discoveryName)) throw new InvalidParameter(`${checks.operation} error: SC service is already used by ${ns.arn}`);
    return { ...s, portName, discoveryName, clientAliases };
  });
  return { ...cfg, enabled: true, namespace: ns.arn, services };
}

const PCA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[A-Za-z0-9-]+$/;

/**
 * TLS between Service Connect proxies: checked for ECS's shape (an AWS Private CA authority to issue the
 * certificates, a KMS key and role as ARNs), then refused, since Wharf has no Private CA to issue from.
 */
function checkTls(tls: NonNullable<ServiceConnectService['tls']>): void {
  const pca = tls.issuerCertificateAuthority?.awsPcaAuthorityArn;
  if (!pca || !PCA_ARN.test(pca)) {
    throw new InvalidParameter(`The awsPcaAuthorityArn ${pca ?? '(none)'} of the Service Connect TLS configuration is not a valid AWS Private CA certificate authority ARN.`);
  }
  if (tls.kmsKey !== undefined && !/^(arn:aws[a-z-]*:kms:|alias\/|[0-9a-f-]{36}$)/.test(tls.kmsKey)) {
    throw new InvalidParameter(`The kmsKey ${tls.kmsKey} of the Service Connect TLS configuration is not a valid KMS key.`);
  }
  if (tls.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(tls.roleArn)) {
    throw new InvalidParameter(`The roleArn ${tls.roleArn} of the Service Connect TLS configuration is not a valid IAM role ARN.`);
  }
  throw new ClientError(`Service Connect TLS is not supported by Wharf: it needs AWS Private CA to issue certificates from ${pca}, and Wharf has no Private CA. Remove tls from the Service Connect service to use plaintext between tasks.`);
}

/** Whether a configuration makes its tasks reachable through Service Connect (it names a service). */
export function servesConnect(cfg: ServiceConnectConfiguration | undefined): boolean {
  return !!cfg?.enabled && (cfg.services?.length ?? 0) > 0;
}
