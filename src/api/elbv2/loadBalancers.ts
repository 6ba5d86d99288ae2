// Load balancers: create (application type; idempotent for the same name and settings; own address and DNS name;
// `provisioning` until the data plane takes it), describe, delete (with its listeners and rules), attributes.
import type {
  CreateLoadBalancerInput, CreateLoadBalancerOutput, DeleteLoadBalancerInput, DescribeLoadBalancerAttributesInput,
  DescribeLoadBalancerAttributesOutput, DescribeLoadBalancersInput, DescribeLoadBalancersOutput,
  ModifyLoadBalancerAttributesInput, ModifyLoadBalancerAttributesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DuplicateLoadBalancerName, ElbValidationError, InvalidConfigurationRequest, InvalidScheme, LoadBalancerNotFound,
  OperationNotPermitted,
} from '../../domain/errors.js';
import type { RequestContext } from '../../gateway/service.js';
import { allocateAddress } from '../../lb/addresses.js';
import { applyAttributes, attributeList, LB_ATTRIBUTE_DEFAULTS } from '../../lb/attributes.js';
import { first, type LoadBalancerRecord } from '../../lb/tables.js';
import { Txn } from '../../store/cache.js';
import { checkNewTags, dnsName, type ElbContext, newId, page } from './context.js';
import { presentLoadBalancer } from './present.js';

/** Availability zones a load balancer's subnets are spread over (REGIONa .. REGIONf). */
const ZONES = 6;
const NAME = /^(?!-)(?!internal-)[A-Za-z0-9-]{1,32}(?<!-)$/;

export function loadBalancerOperations(elb: ElbContext) {
  const { tables } = elb;
  return {
    async CreateLoadBalancer(input: CreateLoadBalancerInput, ctx: RequestContext): Promise<CreateLoadBalancerOutput> {
      const name = input.Name!;
      if (!NAME.test(name)) {
        throw new ElbValidationError(`The load balancer name '${name}' is not valid: at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen, nor with 'internal-'.`);
      }
      if ((input.Type ?? 'application') !== 'application') throw new InvalidConfigurationRequest(`Wharf serves only application load balancers, not '${input.Type}'.`);
      const scheme = input.Scheme ?? 'internet-facing';
      if (scheme !== 'internet-facing' && scheme !== 'internal') throw new InvalidScheme(`Scheme '${scheme}' is not valid`);
      const subnetIds = input.Subnets ?? input.SubnetMappings?.map((m) => m.SubnetId!) ?? [];
      // Subnets are free-form here and each takes the next of ZONES zones; more would put two in one zone, which
      // ELBv2 refuses (so a load balancer has at most one subnet per zone, as on AWS).
      if (subnetIds.length > ZONES || new Set(subnetIds).size !== subnetIds.length) {
        throw new InvalidConfigurationRequest('A load balancer cannot be attached to multiple subnets in the same Availability Zone');
      }
      const subnets = (subnetIds.length ? subnetIds : ['subnet-wharf0a', 'subnet-wharf0b']).map((subnetId, i) => ({
        subnetId, zoneName: `${ctx.region}${String.fromCharCode(97 + i)}`,
      }));
      const tags = checkNewTags(input.Tags);
      const id = newId();
      return elb.cache.update(() => {
        const existing = first(tables.loadBalancers.byIndex('name', name));
        if (existing) {
          if (existing.value.scheme === scheme) return { txn: new Txn(), result: { LoadBalancers: [presentLoadBalancer(existing.value)] } };
          throw new DuplicateLoadBalancerName(`A load balancer with the same name '${name}' exists, but with different settings`);
        }
        const address = allocateAddress(tables, { pool: elb.deps.addressPool, fixed: elb.deps.fixedAddress });
        const rec: LoadBalancerRecord = {
          arn: elb.arn(ctx.region, ctx.accountId, `loadbalancer/app/${name}/${id}`), name, id,
          dnsName: dnsName(name, scheme, ctx.region), scheme, type: 'application', ipAddressType: 'ipv4',
          vpcId: 'vpc-wharf', address, state: 'provisioning', subnets, securityGroups: input.SecurityGroups ?? [],
          attributes: { ...LB_ATTRIBUTE_DEFAULTS }, tags, createdAt: ctx.now,
        };
        const txn = new Txn().put(tables.loadBalancers, id, rec, 0);
        if (!elb.deps.fixedAddress) txn.put(tables.addresses, address, { loadBalancerArn: rec.arn }, 0);
        return { txn, result: { LoadBalancers: [presentLoadBalancer(rec)] } };
      });
    },

    DescribeLoadBalancers(input: DescribeLoadBalancersInput): DescribeLoadBalancersOutput {
      let all: LoadBalancerRecord[];
      if (input.LoadBalancerArns?.length) all = input.LoadBalancerArns.map((a) => elb.loadBalancer(a).value);
      else if (input.Names?.length) {
        all = input.Names.map((n) => {
          const row = first(tables.loadBalancers.byIndex('name', n));
          if (!row) throw new LoadBalancerNotFound(`Load balancers '[${n}]' not found`);
          return row.value;
        });
      } else all = [...tables.loadBalancers.values()].map((r) => r.value).sort((a, b) => a.name.localeCompare(b.name));
      const p = page(all, input.Marker, input.PageSize);
      return { LoadBalancers: p.items.map(presentLoadBalancer), NextMarker: p.next };
    },

    async DeleteLoadBalancer(input: DeleteLoadBalancerInput): Promise<object> {
      await elb.cache.update(() => {
        const row = first(tables.loadBalancers.byIndex('arn', input.LoadBalancerArn!));
        const txn = new Txn();
        if (!row) return { txn, result: undefined }; // deleting a deleted load balancer succeeds, as in ELBv2
        if (row.value.attributes['deletion_protection.enabled'] === 'true') {
          throw new OperationNotPermitted(`Load balancer '${row.value.arn}' cannot be deleted because deletion protection is enabled`);
        }
        txn.delete(tables.loadBalancers, row.id, row.modRevision);
        const claim = tables.addresses.get(row.value.address);
        if (claim?.value.loadBalancerArn === row.value.arn) txn.delete(tables.addresses, claim.id, claim.modRevision);
        for (const l of tables.listeners.byIndex('lb', row.value.arn)) {
          txn.delete(tables.listeners, l.id, l.modRevision);
          for (const r of tables.rules.byIndex('listener', l.value.arn)) txn.delete(tables.rules, r.id, r.modRevision);
        }
        return { txn, result: undefined };
      });
      return {};
    },

    DescribeLoadBalancerAttributes(input: DescribeLoadBalancerAttributesInput): DescribeLoadBalancerAttributesOutput {
      return { Attributes: attributeList(elb.loadBalancer(input.LoadBalancerArn).value.attributes) };
    },

    async ModifyLoadBalancerAttributes(input: ModifyLoadBalancerAttributesInput): Promise<ModifyLoadBalancerAttributesOutput> {
      return elb.cache.update(() => {
        const row = elb.loadBalancer(input.LoadBalancerArn);
        const attributes = applyAttributes('load balancer', row.value.attributes, input.Attributes ?? []);
        return {
          txn: new Txn().put(tables.loadBalancers, row.id, { ...row.value, attributes }, row.modRevision),
          result: { Attributes: attributeList(attributes) },
        };
      });
    },
  };
}
