// Loaders for a cluster's services, tasks and container instances (List* then Describe* in pages of 10 or 100).
import type {
  ContainerInstance,
  DescribeContainerInstancesResponse,
  DescribeServicesResponse,
  DescribeTasksResponse,
  ListContainerInstancesResponse,
  ListServicesResponse,
  ListTasksResponse,
  Resource,
  Service,
  Task,
} from '@aws-sdk/client-ecs';
import { ecs } from '../aws/apis';
import type { Session } from '../aws/session';

async function pages(session: Session, op: string, input: object, key: string): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const r = await ecs<Record<string, unknown> & { nextToken?: string }>(session, op, { ...input, nextToken });
    out.push(...((r[key] as string[] | undefined) ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  return out;
}

function chunks<T>(a: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}

export async function loadServices(session: Session, cluster: string): Promise<Service[]> {
  const arns = await pages(session, 'ListServices', { cluster }, 'serviceArns' satisfies keyof ListServicesResponse);
  const out: Service[] = [];
  for (const c of chunks(arns, 10)) {
    const r = await ecs<DescribeServicesResponse>(session, 'DescribeServices', { cluster, services: c });
    out.push(...(r.services ?? []));
  }
  return out.sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? ''));
}

export async function loadTasks(session: Session, cluster: string, filter: { serviceName?: string; desiredStatus?: string } = {}): Promise<Task[]> {
  const arns = await pages(session, 'ListTasks', { cluster, ...filter }, 'taskArns' satisfies keyof ListTasksResponse);
  const out: Task[] = [];
  for (const c of chunks(arns, 100)) {
    const r = await ecs<DescribeTasksResponse>(session, 'DescribeTasks', { cluster, tasks: c });
    out.push(...(r.tasks ?? []));
  }
  return out.sort((a, b) => Number(b.createdAt ?? 0) - Number(a.createdAt ?? 0));
}

export async function loadInstances(session: Session, cluster: string): Promise<ContainerInstance[]> {
  const arns = await pages(session, 'ListContainerInstances', { cluster }, 'containerInstanceArns' satisfies keyof ListContainerInstancesResponse);
  const out: ContainerInstance[] = [];
  for (const c of chunks(arns, 100)) {
    const r = await ecs<DescribeContainerInstancesResponse>(session, 'DescribeContainerInstances', { cluster, containerInstances: c });
    out.push(...(r.containerInstances ?? []));
  }
  return out;
}

export function resource(list: Resource[] | undefined, name: string): number {
  return list?.find((r) => r.name === name)?.integerValue ?? 0;
}
