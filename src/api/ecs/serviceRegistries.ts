// A service's `serviceRegistries` checked as ECS checks them: one registry, a Cloud Map service that exists, and the
// port it needs: bridge and host tasks name a containerName and containerPort (their records are SRV: the host port),
// awsvpc tasks need nothing for A records and either that pair or `port` (not both) for SRV.
import type { ServiceRegistry, TaskDefinition } from '@aws-sdk/client-ecs';
import { idOf } from '../../discovery/rules.js';
import type { DiscoveryTables } from '../../discovery/tables.js';
import { InvalidParameter } from '../../domain/errors.js';

export function checkServiceRegistries(registries: ServiceRegistry[] | undefined, td: TaskDefinition, discovery: DiscoveryTables | undefined): void {
  if (!registries?.length) return;
  if (registries.length > 1) throw new InvalidParameter('Each service may be associated with one service registry. Multiple service registries for each service are not supported.');
  const reg = registries[0]!;
  const arn = reg.registryArn ?? '';
  if (!/^arn:[^:]+:servicediscovery:[^:]*:\d{12}:service\/srv-[a-z0-9]+$/.test(arn)) throw new InvalidParameter(`Service registry ARN ${arn} is not valid.`);
  const svc = discovery?.services.get(idOf(arn))?.value;
  if (discovery && !svc) throw new InvalidParameter(`The service registry ${arn} does not exist.`);
  const srv = svc?.dns?.records.some((r) => r.type === 'SRV') ?? false;
  const pair = reg.containerName !== undefined || reg.containerPort !== undefined;
  if (pair && (reg.containerName === undefined || reg.containerPort === undefined)) {
    throw new InvalidParameter('containerName and containerPort must be specified together in a service registry.');
  }
  if (pair && reg.port !== undefined) throw new InvalidParameter('A service registry takes either a containerName and containerPort combination or a port value, but not both.');
  const mode = td.networkMode ?? 'bridge';
  if (pair) {
    const c = td.containerDefinitions?.find((d) => d.name === reg.containerName);
    if (!c) throw new InvalidParameter(`The container ${reg.containerName} does not exist in the task definition.`);
    if (!(c.portMappings ?? []).some((p) => p.containerPort === reg.containerPort)) {
      throw new InvalidParameter(`The container ${reg.containerName} did not have a container port ${reg.containerPort} defined.`);
    }
  }
  if (mode === 'bridge' || mode === 'host') {
    if (!pair) throw new InvalidParameter(`When the task definition uses the ${mode} network mode, the service registry must specify a containerName and containerPort combination from the task definition.`);
    if (svc && !srv) throw new InvalidParameter(`When the task definition uses the ${mode} network mode, the service registry must have an SRV record.`);
  } else if (mode === 'awsvpc') {
    if (srv && !pair && reg.port === undefined) {
      throw new InvalidParameter('The service registry has an SRV record: specify either a containerName and containerPort combination or a port value.');
    }
  } else {
    throw new InvalidParameter(`Service registries are not supported for the ${mode} network mode.`);
  }
}
