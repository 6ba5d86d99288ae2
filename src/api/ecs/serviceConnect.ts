// Cloud Map namespaces as Service Connect names them: by ARN, by id, or by name.
import type { DiscoveryTables } from '../../discovery/tables.js';
import type { NamespaceRef } from '../../domain/serviceConnect.js';
import type { Tables } from '../../state/tables.js';

export function namespaceFinder(discovery: DiscoveryTables | undefined): (ref: string) => NamespaceRef | undefined {
  return (ref) => {
    if (!discovery) return { arn: ref, name: ref.split('/').pop() ?? ref };
    const byArn = [...discovery.namespaces.byIndex('arn', ref)][0]?.value;
    const found = byArn ?? discovery.namespaces.get(ref)?.value ?? [...discovery.namespaces.values()].find((r) => r.value.name === ref)?.value;
    return found ? { arn: found.arn, name: found.name } : undefined;
  };
}

/**
 * Whether a live ECS service other than `self` (CLUSTER/NAME) serves a discovery name in a namespace: each name is
 * one Cloud Map service, whose instances are one ECS service's tasks.
 */
export function discoveryNameUsers(tables: Tables, self: string | undefined): (namespaceArn: string, discoveryName: string) => boolean {
  return (namespaceArn, discoveryName) => {
    const wanted = discoveryName.toLowerCase();
    for (const row of tables.services.values()) {
      if (row.id === self || row.value.service.status === 'INACTIVE') continue;
      for (const d of row.value.deployments) {
        const cfg = d.serviceConnectConfiguration;
        if (cfg?.enabled && cfg.namespace === namespaceArn && cfg.services?.some((s) => s.discoveryName?.toLowerCase() === wanted)) return true;
      }
    }
    return false;
  };
}
