// Cloud Map's DNS namespaces (private and public) as zones: `SERVICE.NAMESPACE` answers A/AAAA with the answered
// (healthy) instances, up to eight shuffled under MULTIVALUE or one under WEIGHTED, SRV with `1 1 PORT
// INSTANCE.SERVICE.NAMESPACE` (whose A/AAAA records exist too, as Cloud Map creates them), CNAME; unknown names in
// a namespace are NXDOMAIN with the namespace's SOA. Read from the cache's indexes on every query.
import type { Answer } from 'dns-packet';
import { answered, shuffle, type RandomInt } from '../discovery/rules.js';
import { first, type DiscoveryTables, type InstanceRecord, type NamespaceRecord, type RecordType, type ServiceRecord } from '../discovery/tables.js';
import type { Zone, ZoneAnswer } from './zone.js';

/** Route 53 answers at most eight records of a multivalue answer set. */
export const MULTIVALUE_MAX = 8;

export function discoveryZone(tables: DiscoveryTables, random: RandomInt = (n) => Math.floor(Math.random() * n)): Zone {
  const soa = (ns: NamespaceRecord): Answer => ({
    name: ns.name,
    type: 'SOA',
    class: 'IN',
    ttl: ns.soaTtl ?? 15,
    data: { mname: 'ns-wharf.awsdns-00.com', rname: 'awsdns-hostmaster.amazon.com', serial: 1, refresh: 7200, retry: 900, expire: 1209600, minimum: 86400 },
  });
  const ttlOf = (svc: ServiceRecord, type: RecordType) => svc.dns!.records.find((r) => r.type === type)?.ttl;
  const live = (svc: ServiceRecord): InstanceRecord[] => {
    const out: InstanceRecord[] = [];
    for (const row of tables.instances.byIndex('service', svc.id)) if (answered(svc, row.value)) out.push(row.value);
    return out;
  };
  /** MULTIVALUE: up to eight, shuffled; WEIGHTED: one at random (all instances weigh the same). */
  const pick = (svc: ServiceRecord, items: InstanceRecord[]) => shuffle(items, random).slice(0, svc.dns!.routingPolicy === 'WEIGHTED' ? 1 : MULTIVALUE_MAX);
  const addresses = (svc: ServiceRecord, insts: InstanceRecord[], type: string, name: string): Answer[] => {
    const out: Answer[] = [];
    for (const t of ['A', 'AAAA'] as const) {
      if (type !== t && type !== 'ANY') continue;
      const attr = t === 'A' ? 'AWS_INSTANCE_IPV4' : 'AWS_INSTANCE_IPV6';
      const ttl = ttlOf(svc, t) ?? ttlOf(svc, 'SRV');
      if (ttl === undefined) continue;
      for (const i of insts) if (i.attributes[attr]) out.push({ name, type: t, class: 'IN', ttl, data: i.attributes[attr]! });
    }
    return out;
  };

  const serviceAnswer = (ns: NamespaceRecord, svc: ServiceRecord, type: string, qname: string): ZoneAnswer => {
    const types = new Set(svc.dns!.records.map((r) => r.type));
    const chosen = pick(svc, live(svc));
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    if (types.has('CNAME')) {
      for (const i of chosen) answers.push({ name: qname, type: 'CNAME', class: 'IN', ttl: ttlOf(svc, 'CNAME')!, data: i.attributes.AWS_INSTANCE_CNAME! });
    } else {
      if (types.has('A') || types.has('AAAA')) answers.push(...addresses(svc, chosen, type, qname).filter((a) => types.has(a.type as RecordType)));
      if (types.has('SRV') && (type === 'SRV' || type === 'ANY')) {
        const srvTtl = ttlOf(svc, 'SRV')!;
        const aTtl = ttlOf(svc, 'A') ?? srvTtl;
        const aaaaTtl = ttlOf(svc, 'AAAA') ?? srvTtl;
        for (const i of chosen) {
          const target = `${i.instanceId}.${svc.name}.${ns.name}`;
          answers.push({ name: qname, type: 'SRV', class: 'IN', ttl: srvTtl, data: { priority: 1, weight: 1, port: Number(i.attributes.AWS_INSTANCE_PORT), target } });
          const v4 = i.attributes.AWS_INSTANCE_IPV4;
          const v6 = i.attributes.AWS_INSTANCE_IPV6;
          if (v4) additionals.push({ name: target, type: 'A', class: 'IN', ttl: aTtl, data: v4 });
          if (v6) additionals.push({ name: target, type: 'AAAA', class: 'IN', ttl: aaaaTtl, data: v6 });
        }
      }
    }
    return { rcode: 'NOERROR', answers, additionals, authorities: answers.length ? undefined : [soa(ns)] };
  };

  return {
    prefixes: [tables.namespaces.prefix, tables.services.prefix, tables.instances.prefix],
    answer(name, type, qname) {
      // The longest namespace name that ends the query name.
      let ns: NamespaceRecord | undefined;
      let rel = '';
      for (let start = 0; ; ) {
        const row = first(tables.namespaces.byIndex('dnsName', name.slice(start)));
        if (row) {
          ns = row.value;
          rel = start === 0 ? '' : name.slice(0, start - 1);
          break;
        }
        const dot = name.indexOf('.', start);
        if (dot < 0) break;
        start = dot + 1;
      }
      if (!ns) return undefined;
      const nodata = (): ZoneAnswer => ({ rcode: 'NOERROR', answers: [], authorities: [soa(ns)] });
      const nx = (): ZoneAnswer => ({ rcode: 'NXDOMAIN', answers: [], authorities: [soa(ns)] });
      if (rel === '') return type === 'SOA' ? { rcode: 'NOERROR', answers: [{ ...soa(ns), name: qname }] } : nodata();
      const svc = first(tables.services.byIndex('dnsName', `${ns.id}/${rel}`))?.value;
      if (svc?.dns) return tables.instances.countByIndex('service', svc.id) > 0 ? serviceAnswer(ns, svc, type, qname) : nx();
      // INSTANCE.SERVICE: the name an SRV record points at.
      const dot = rel.indexOf('.');
      if (dot > 0) {
        const owner = first(tables.services.byIndex('dnsName', `${ns.id}/${rel.slice(dot + 1)}`))?.value;
        const inst = owner?.dns?.records.some((r) => r.type === 'SRV')
          ? [...tables.instances.byIndex('service', owner.id)].find((r) => r.value.instanceId.toLowerCase() === rel.slice(0, dot))?.value
          : undefined;
        if (owner && inst) {
          const answers = answered(owner, inst) ? addresses(owner, [inst], type, qname) : [];
          return { rcode: 'NOERROR', answers, authorities: answers.length ? undefined : [soa(ns)] };
        }
      }
      return nx();
    },
  };
}
