// The values ECS fills into each container it stores, as DescribeTaskDefinition shows them: cpu 0, essential true,
// tcp, the host port a network mode implies, health check timings, and the empty lists it always returns.
import type { ContainerDefinition, HealthCheck, NetworkMode, PortMapping } from '@aws-sdk/client-ecs';
import { CONTAINER_KEYS, HEALTH_CHECK_KEYS, ordered, PORT_MAPPING_KEYS } from './order.js';

/** Docker's health check defaults, which ECS writes into the definition. */
export const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3 } as const;

export function withContainerDefaults(c: ContainerDefinition, mode: NetworkMode): ContainerDefinition {
  return ordered<ContainerDefinition>(
    {
      ...c,
      cpu: c.cpu ?? 0,
      portMappings: (c.portMappings ?? []).map((pm) => withPortDefaults(pm, mode)),
      essential: c.essential ?? true,
      environment: c.environment ?? [],
      mountPoints: c.mountPoints ?? [],
      volumesFrom: c.volumesFrom ?? [],
      healthCheck: c.healthCheck && withHealthCheckDefaults(c.healthCheck),
      systemControls: c.systemControls ?? [],
    },
    CONTAINER_KEYS,
  );
}

function withPortDefaults(pm: PortMapping, mode: NetworkMode): PortMapping {
  let hostPort = pm.hostPort;
  if (pm.containerPortRange === undefined && pm.containerPort !== undefined) {
    // awsvpc and host publish the container port itself; bridge's 0 asks the agent for an ephemeral port.
    if (mode === 'awsvpc' || mode === 'host') hostPort = hostPort || pm.containerPort;
    else if (mode === 'bridge') hostPort = hostPort ?? 0;
  }
  return ordered<PortMapping>({ ...pm, hostPort, protocol: pm.protocol ?? 'tcp' }, PORT_MAPPING_KEYS);
}

function withHealthCheckDefaults(hc: HealthCheck): HealthCheck {
  return ordered<HealthCheck>(
    {
      ...hc,
      interval: hc.interval ?? HEALTH_CHECK_DEFAULTS.interval,
      timeout: hc.timeout ?? HEALTH_CHECK_DEFAULTS.timeout,
      retries: hc.retries ?? HEALTH_CHECK_DEFAULTS.retries,
    },
    HEALTH_CHECK_KEYS,
  );
}
