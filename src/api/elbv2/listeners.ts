// Listeners: create (HTTP on a port of the load balancer; one listener per port), describe, modify, delete (its
// rules with it). The data plane binds each listener on its load balancer's own address.
import type {
  CreateListenerInput, CreateListenerOutput, DeleteListenerInput, DescribeListenersInput, DescribeListenersOutput,
  ModifyListenerInput, ModifyListenerOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DuplicateListener, ElbValidationError, UnsupportedProtocol } from '../../domain/errors.js';
import type { ListenerRecord } from '../../lb/tables.js';
import { Txn } from '../../store/cache.js';
import { normalizeActions } from './actions.js';
import { checkNewTags, type ElbContext, newId, page } from './context.js';
import { presentListener } from './present.js';

function checkProtocol(p: string | undefined): 'HTTP' {
  if (p === undefined || p === 'HTTP') return 'HTTP';
  throw new UnsupportedProtocol(`Wharf listeners speak HTTP only, not '${p}'`);
}

export function listenerOperations(elb: ElbContext) {
  const { tables } = elb;
  const onPort = (lbArn: string, port: number) => [...tables.listeners.byIndex('lb', lbArn)].find((l) => l.value.port === port);
  return {
    async CreateListener(input: CreateListenerInput): Promise<CreateListenerOutput> {
      const protocol = checkProtocol(input.Protocol);
      const port = input.Port ?? 80;
      const tags = checkNewTags(input.Tags);
      return elb.cache.update(() => {
        const lb = elb.loadBalancer(input.LoadBalancerArn);
        const actions = normalizeActions(elb, input.DefaultActions);
        const existing = onPort(lb.value.arn, port);
        if (existing) {
          if (JSON.stringify(existing.value.defaultActions) === JSON.stringify(actions)) return { txn: new Txn(), result: { Listeners: [presentListener(existing.value)] } };
          throw new DuplicateListener(`A listener already exists on this port for this load balancer '${lb.value.arn}'`);
        }
        const id = newId();
        const rec: ListenerRecord = {
          arn: lb.value.arn.replace(':loadbalancer/', ':listener/') + '/' + id, id, loadBalancerArn: lb.value.arn, port, protocol,
          defaultActions: actions, defaultRuleId: newId(), tags,
        };
        return { txn: new Txn().guard(tables.loadBalancers, lb.id, lb.modRevision).put(tables.listeners, id, rec, 0), result: { Listeners: [presentListener(rec)] } };
      });
    },

    DescribeListeners(input: DescribeListenersInput): DescribeListenersOutput {
      let all: ListenerRecord[];
      if (input.ListenerArns?.length) all = input.ListenerArns.map((a) => elb.listener(a).value);
      else if (input.LoadBalancerArn) {
        const lb = elb.loadBalancer(input.LoadBalancerArn).value;
        all = [...tables.listeners.byIndex('lb', lb.arn)].map((r) => r.value).sort((a, b) => a.port - b.port);
      } else throw new ElbValidationError('You must specify either listener ARNs or a load balancer ARN');
      const p = page(all, input.Marker, input.PageSize);
      return { Listeners: p.items.map(presentListener), NextMarker: p.next };
    },

    async ModifyListener(input: ModifyListenerInput): Promise<ModifyListenerOutput> {
      const protocol = checkProtocol(input.Protocol);
      return elb.cache.update(() => {
        const row = elb.listener(input.ListenerArn);
        const port = input.Port ?? row.value.port;
        const clash = onPort(row.value.loadBalancerArn, port);
        if (clash && clash.id !== row.id) throw new DuplicateListener(`A listener already exists on this port for this load balancer '${row.value.loadBalancerArn}'`);
        const next: ListenerRecord = {
          ...row.value, port, protocol,
          defaultActions: input.DefaultActions ? normalizeActions(elb, input.DefaultActions) : row.value.defaultActions,
        };
        return { txn: new Txn().put(tables.listeners, row.id, next, row.modRevision), result: { Listeners: [presentListener(next)] } };
      });
    },

    async DeleteListener(input: DeleteListenerInput): Promise<object> {
      await elb.cache.update(() => {
        const row = elb.listener(input.ListenerArn);
        const txn = new Txn().delete(tables.listeners, row.id, row.modRevision);
        for (const r of tables.rules.byIndex('listener', row.value.arn)) txn.delete(tables.rules, r.id, r.modRevision);
        return { txn, result: undefined };
      });
      return {};
    },
  };
}

