// The Cloud Map operations ECS's service scheduler uses on a service's `serviceRegistries` (registering tasks as
// instances), run in-process through the same handlers as the API, so the same checks apply and every change is an
// operation ListOperations shows. controllers/discoveryRegistration.ts drives it.
import { InstanceNotFound, ServiceAlreadyExists } from '../../discovery/errors.js';
import { idOf } from '../../discovery/rules.js';
import { serviceNamed } from '../../discovery/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { DiscoveryContext, type DiscoveryDeps } from './context.js';
import { instanceOperations } from './instances.js';
import { serviceOperations } from './services.js';

export function ecsInstanceRegistry(deps: DiscoveryDeps) {
  const sd = new DiscoveryContext(deps);
  const ops = instanceOperations(sd);
  const services = serviceOperations(sd);
  return {
    /** The ARN of the Cloud Map service `name` in a namespace (by ARN), undefined when there is none (or no namespace). */
    serviceIn(namespaceArn: string, name: string): string | undefined {
      return serviceNamed(sd.tables, namespaceArn, name)?.arn;
    },
    /**
     * Creates the Cloud Map service Service Connect uses for a discovery name: API-only (type HTTP, no DNS records,
     * as ECS creates them), tagged as ECS's. Returns its ARN; one created meanwhile by another caller is returned.
     */
    async createService(namespaceArn: string, name: string): Promise<string> {
      const [, , , region, accountId] = namespaceArn.split(':');
      const ctx = { region, accountId } as RequestContext;
      try {
        const out = await services.CreateService({ Name: name, NamespaceId: idOf(namespaceArn), Type: 'HTTP', Tags: [{ Key: 'AmazonECSManaged', Value: 'true' }] }, ctx);
        return out.Service.Arn!;
      } catch (err) {
        const arn = err instanceof ServiceAlreadyExists ? serviceNamed(sd.tables, namespaceArn, name)?.arn : undefined;
        if (!arn) throw err;
        return arn;
      }
    },
    registries() {
      return [...sd.tables.services.values()].map((r) => r.value.arn);
    },
    instances(registryArn: string) {
      const svc = sd.tables.services.get(idOf(registryArn))?.value;
      if (!svc) return undefined;
      return [...sd.tables.instances.byIndex('service', svc.id)].map((r) => ({
        instanceId: r.value.instanceId,
        attributes: r.value.attributes,
        health: r.value.health,
      }));
    },
    async register(registryArn: string, instanceId: string, attributes: Record<string, string>) {
      await ops.RegisterInstance({ ServiceId: idOf(registryArn), InstanceId: instanceId, Attributes: attributes });
    },
    async deregister(registryArn: string, instanceId: string) {
      try {
        await ops.DeregisterInstance({ ServiceId: idOf(registryArn), InstanceId: instanceId });
      } catch (err) {
        // Already gone (a pass and a stopping task's release may meet): that is what was asked.
        if (!(err instanceof InstanceNotFound)) throw err;
      }
    },
    async setHealth(registryArn: string, instanceId: string, health: 'HEALTHY' | 'UNHEALTHY') {
      if (!sd.tables.services.get(idOf(registryArn))?.value.customHealth) return false;
      await ops.UpdateInstanceCustomHealthStatus({ ServiceId: idOf(registryArn), InstanceId: instanceId, Status: health });
      return true;
    },
  };
}
