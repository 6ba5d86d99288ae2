// DescribeServices, ListServices, ListServicesByNamespace, and task scale-in protection (UpdateTaskProtection,
// GetTaskProtection): protection is kept on the service record, which the controller reads when it chooses.
import { namespaceFinder } from './serviceConnect.js';
import { serviceNamed } from '../../discovery/tables.js';
import type {
  DescribeServicesRequest,
  DescribeServicesResponse,
  Failure,
  GetTaskProtectionRequest,
  GetTaskProtectionResponse,
  ListServicesByNamespaceRequest,
  ListServicesByNamespaceResponse,
  ListServicesRequest,
  ListServicesResponse,
  ProtectedTask,
  Service,
  UpdateTaskProtectionRequest,
  UpdateTaskProtectionResponse,
} from '@aws-sdk/client-ecs';
import { InvalidParameter } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { presentService, serviceArn, serviceNameOf, type ServiceRecord } from '../../domain/service.js';
import { taskIdOf } from '../../domain/task.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import type { EcsContext } from './context.js';

export function serviceReadOperations(ecs: EcsContext) {
  const { tables } = ecs;
  const tasksOf = (rec: ServiceRecord) =>
    [...tables.tasks.byIndex('group', `${rec.clusterName}|service:${rec.service.serviceName}`)].map((r) => r.value.task);
  const listed = (cluster: string) =>
    [...tables.services.byIndex('cluster', cluster)].filter((r) => r.value.service.status !== 'INACTIVE').map((r) => r.value);

  const protectionOf = (rec: ServiceRecord | undefined, arn: string, now: Date): ProtectedTask => {
    const until = rec?.protection[taskIdOf(arn)];
    return until && until > now ? { taskArn: arn, protectionEnabled: true, expirationDate: until } : { taskArn: arn, protectionEnabled: false };
  };

  /** The task and its service, or the failure ECS reports for it. */
  const serviceTask = (cluster: string, ref: string, ctx: RequestContext) => {
    const row = tables.tasks.get(`${cluster}/${taskIdOf(ref)}`);
    const arn = row?.value.task.taskArn ?? (ref.startsWith('arn:') ? ref : `arn:aws:ecs:${ctx.region}:${ctx.accountId}:task/${cluster}/${ref}`);
    if (!row) return { arn, failure: { arn, reason: 'TASK_NOT_VALID', detail: 'The task was not found.' } as Failure };
    const group = row.value.task.group ?? '';
    const svc = group.startsWith('service:') ? tables.services.get(`${cluster}/${group.slice(8)}`) : undefined;
    if (!svc || row.value.task.lastStatus === 'STOPPED') {
      return { arn, failure: { arn, reason: 'TASK_NOT_VALID', detail: 'The task is not a running task of a service.' } as Failure };
    }
    return { arn, svc };
  };

  /** Each deployment's serviceConnectResources: its discovery names and the Cloud Map services ECS made for them. */
  const withConnectResources = (svc: Service): Service => {
    const discovery = ecs.deps.discovery;
    if (!discovery || !svc.deployments?.some((d) => d.serviceConnectConfiguration?.services?.length)) return svc;
    return {
      ...svc,
      deployments: svc.deployments.map((d) => {
        const cfg = d.serviceConnectConfiguration;
        if (!cfg?.enabled || !cfg.services?.length) return d;
        return {
          ...d,
          serviceConnectResources: cfg.services.map((s) => ({ discoveryName: s.discoveryName, discoveryArn: serviceNamed(discovery, cfg.namespace!, s.discoveryName!)?.arn })),
        };
      }),
    };
  };

  return {
    DescribeServices(input: DescribeServicesRequest, ctx: RequestContext): DescribeServicesResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      const refs = input.services ?? [];
      if (refs.length === 0) throw new InvalidParameter('Services cannot be empty.');
      if (refs.length > 10) throw new InvalidParameter('services must list between 1 and 10 services.');
      const withTags = input.include?.includes('TAGS') ?? false;
      const services: Service[] = [];
      const failures: Failure[] = [];
      for (const ref of refs) {
        const rec = tables.services.get(`${cluster}/${serviceNameOf(ref)}`)?.value;
        if (rec) services.push(withConnectResources(presentService(rec, tasksOf(rec), withTags)));
        else failures.push({ arn: ref.startsWith('arn:') ? ref : serviceArn(ctx, cluster, ref), reason: 'MISSING' });
      }
      return { services, failures };
    },

    ListServices(input: ListServicesRequest): ListServicesResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      const arns = listed(cluster)
        .filter((r) => !input.launchType || r.service.launchType === input.launchType)
        .filter((r) => !input.schedulingStrategy || r.service.schedulingStrategy === input.schedulingStrategy)
        // Every Wharf service is created by a user (CUSTOMER); ECS-managed ones (Express Gateway) do not exist here.
        .filter(() => input.resourceManagementType !== 'ECS')
        .map((r) => r.service.serviceArn!)
        .sort();
      const page = paginate(arns, (a) => a, { maxResults: input.maxResults, nextToken: input.nextToken, defaultMax: 10 });
      return { serviceArns: page.items, nextToken: page.nextToken };
    },

    ListServicesByNamespace(input: ListServicesByNamespaceRequest): ListServicesByNamespaceResponse {
      const ns = input.namespace ?? '';
      const arn = namespaceFinder(ecs.deps.discovery)(ns)?.arn;
      const matches = (v: string | undefined) => v !== undefined && (v === ns || v === arn || v.split('/').pop() === ns);
      const arns = [...tables.services.values()]
        .map((r) => r.value)
        .filter((r) => r.service.status !== 'INACTIVE' && r.deployments.some((d) => matches(d.serviceConnectConfiguration?.namespace)))
        .map((r) => r.service.serviceArn!)
        .sort();
      const page = paginate(arns, (a) => a, { maxResults: input.maxResults, nextToken: input.nextToken, defaultMax: 10 });
      return { serviceArns: page.items, nextToken: page.nextToken };
    },

    async UpdateTaskProtection(input: UpdateTaskProtectionRequest, ctx: RequestContext): Promise<UpdateTaskProtectionResponse> {
      const refs = input.tasks ?? [];
      if (refs.length < 1 || refs.length > 10) throw new InvalidParameter('tasks must list between 1 and 10 tasks.');
      const minutes = input.expiresInMinutes ?? 120;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 2880) throw new InvalidParameter('expiresInMinutes must be between 1 and 2880.');
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).id;
        const failures: Failure[] = [];
        const changed = new Map<string, { rec: ServiceRecord; rev: number }>();
        const arns: string[] = [];
        for (const ref of refs) {
          const found = serviceTask(cluster, ref, ctx);
          if (!found.svc) {
            failures.push(found.failure!);
            continue;
          }
          const entry = changed.get(found.svc.id) ?? { rec: found.svc.value, rev: found.svc.modRevision };
          const protection = { ...entry.rec.protection };
          if (input.protectionEnabled) protection[taskIdOf(found.arn)] = new Date(ctx.now.getTime() + minutes * 60_000);
          else delete protection[taskIdOf(found.arn)];
          changed.set(found.svc.id, { rec: { ...entry.rec, protection }, rev: entry.rev });
          arns.push(found.arn);
        }
        const txn = new Txn();
        for (const [id, { rec, rev }] of changed) txn.put(tables.services, id, rec, rev);
        const protectedTasks = arns.map((a) => protectionOf(changed.get(serviceTask(cluster, a, ctx).svc!.id)!.rec, a, ctx.now));
        return { txn, result: { protectedTasks, failures } };
      });
    },

    GetTaskProtection(input: GetTaskProtectionRequest, ctx: RequestContext): GetTaskProtectionResponse {
      const cluster = ecs.activeCluster(input.cluster).id;
      const protectedTasks: ProtectedTask[] = [];
      const failures: Failure[] = [];
      for (const ref of input.tasks ?? []) {
        const found = serviceTask(cluster, ref, ctx);
        if (found.svc) protectedTasks.push(protectionOf(found.svc.value, found.arn, ctx.now));
        else failures.push(found.failure!);
      }
      return { protectedTasks, failures };
    },
  };
}
