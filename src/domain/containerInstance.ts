// Container instances: a host registered into a cluster, with its resources and attributes (the built-in ecs.*
// ones ECS sets, plus custom ones), as RegisterContainerInstance creates and DescribeContainerInstances shows them.
import type { Attribute, ContainerInstance, RegisterContainerInstanceRequest, Resource } from '@aws-sdk/client-ecs';
import { ecsArn, type ArnContext } from './arn.js';
import { checkAttributeLimits, validateAttribute } from './attributes.js';
import { InvalidParameter } from './errors.js';

export interface IdentityDocument {
  instanceId?: string;
  instanceType?: string;
  availabilityZone?: string;
  architecture?: string;
  region?: string;
  imageId?: string;
}

export function parseIdentityDocument(text: string | undefined): IdentityDocument {
  if (!text) return {};
  try {
    const doc = JSON.parse(text) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return doc as IdentityDocument;
  } catch {
    // fall through
  }
  throw new InvalidParameter('instanceIdentityDocument must be a JSON document.');
}

export const containerInstanceArn = (ctx: ArnContext, cluster: string, id: string) =>
  ecsArn(ctx, `container-instance/${cluster}/${id}`);

/** The table id (`CLUSTER/ID`) of a container instance ARN (`...:container-instance/CLUSTER/ID`). */
export const instanceKeyOf = (arn: string) => arn.split('/').slice(-2).join('/');

/** The attributes ECS sets itself; custom ones given at registration are added after them. */
export function builtinAttributes(doc: IdentityDocument, region: string): Attribute[] {
  const arch = doc.architecture === 'arm64' || doc.architecture === 'aarch64' ? 'arm64' : 'x86_64';
  const attrs: Attribute[] = [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.os-family', value: 'LINUX' },
    { name: 'ecs.cpu-architecture', value: arch },
    { name: 'ecs.instance-type', value: doc.instanceType ?? 'wharf.host' },
    { name: 'ecs.availability-zone', value: doc.availabilityZone ?? `${region}a` },
  ];
  if (doc.imageId) attrs.push({ name: 'ecs.ami-id', value: doc.imageId });
  return attrs;
}

export function validateResources(resources: readonly Resource[]): void {
  for (const r of resources) {
    if (!['CPU', 'MEMORY', 'PORTS', 'PORTS_UDP'].includes(r.name ?? '') && !r.name?.startsWith('GPU')) {
      throw new InvalidParameter(`Unknown resource name ${r.name}: expected CPU, MEMORY, PORTS, PORTS_UDP or GPU.`);
    }
    if ((r.name === 'CPU' || r.name === 'MEMORY') && (r.type !== 'INTEGER' || (r.integerValue ?? -1) < 0)) {
      throw new InvalidParameter(`Resource ${r.name} must be an INTEGER with a non-negative integerValue.`);
    }
  }
}

/** The record a (re-)registration produces, keeping the identity, tasks and custom attributes of an earlier one. */
export function registerInstance(
  input: RegisterContainerInstanceRequest,
  meta: { ctx: ArnContext; cluster: string; id: string; now: Date; previous?: ContainerInstance },
): ContainerInstance {
  const doc = parseIdentityDocument(input.instanceIdentityDocument);
  const resources = input.totalResources ?? [];
  validateResources(resources);
  const prev = meta.previous;
  const attributes = new Map<string, Attribute>();
  for (const a of builtinAttributes(doc, meta.ctx.region)) attributes.set(a.name!, a);
  for (const a of prev?.attributes ?? []) if (!a.name!.startsWith('ecs.')) attributes.set(a.name!, a);
  for (const a of input.attributes ?? []) {
    validateAttribute(a);
    attributes.set(a.name!, { name: a.name, value: a.value });
  }
  // ECS's limits hold at registration as with PutAttributes: a list of thousands is refused, not stored.
  checkAttributeLimits([...attributes.values()]);
  return {
    containerInstanceArn: containerInstanceArn(meta.ctx, meta.cluster, meta.id),
    ec2InstanceId: doc.instanceId ?? prev?.ec2InstanceId ?? `i-${meta.id.slice(0, 17)}`,
    version: (prev?.version ?? 0) + 1,
    versionInfo: input.versionInfo ?? {},
    registeredResources: resources,
    remainingResources: resources,
    status: 'ACTIVE',
    agentConnected: false,
    runningTasksCount: prev?.runningTasksCount ?? 0,
    pendingTasksCount: prev?.pendingTasksCount ?? 0,
    attributes: [...attributes.values()],
    registeredAt: prev?.registeredAt ?? meta.now,
    attachments: [],
    tags: input.tags ?? prev?.tags ?? [],
  };
}
