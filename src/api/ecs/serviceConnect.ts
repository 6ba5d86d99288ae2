// Cloud Map namespaces as Service Connect names them: by ARN, by id, or by name.
import type { DiscoveryTables } from '../../discovery/tables.js';
import type { NamespaceRef } from '../../domain/serviceConnect.js';

export function namespaceFinder(discovery: DiscoveryTables | undefined): (ref: string) => NamespaceRef | undefined {
  return (ref) => {
    if (!discovery) return { arn: ref, name: ref.split('/').pop() ?? ref };
    const byArn = [...discovery.namespaces.byIndex('arn', ref)][0]?.value;
    const found = byArn ?? discovery.namespaces.get(ref)?.value ?? [...discovery.namespaces.values()].find((r) => r.value.name === ref)?.value;
    return found ? { arn: found.arn, name: found.name } : undefined;
  };
}
