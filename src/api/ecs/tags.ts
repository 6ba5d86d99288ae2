// Tagging for every taggable ECS resource: the ARN names the resource, the resource's record holds its tags.
import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  Tag,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
} from '@aws-sdk/client-ecs';
import { parseArn } from '../../domain/arn.js';
import { ClusterNotFound, InvalidParameter, ResourceNotFound } from '../../domain/errors.js';
import { mergeTags, removeTags, validateTags } from '../../domain/tags.js';
import { Txn } from '../../store/cache.js';
import { taskDefinitionId } from '../../state/tables.js';
import type { EcsContext } from './context.js';
import { parseTaskDefinitionRef } from './taskDefinitions.js';

/** A taggable resource found by ARN: its current tags and how to write new ones. */
interface Taggable {
  tags: Tag[];
  write: (tags: Tag[]) => Txn;
}

export function tagOperations(ecs: EcsContext) {
  const { tables } = ecs;

  const resolve = (arn: string): Taggable => {
    const parsed = parseArn(arn);
    if (!parsed || parsed.service !== 'ecs') throw new InvalidParameter(`Invalid resource ARN: ${arn}.`);
    const [kind, ...rest] = parsed.resource.split('/');
    const id = rest.join('/');
    switch (kind) {
      case 'cluster': {
        const row = tables.clusters.get(id);
        if (!row || row.value.status !== 'ACTIVE') throw new ClusterNotFound('Cluster not found.');
        return {
          tags: row.value.tags,
          write: (tags) => new Txn().put(tables.clusters, row.id, { ...row.value, tags }, row.modRevision),
        };
      }
      case 'task-definition': {
        const ref = parseTaskDefinitionRef(id);
        const row = ref?.revision !== undefined ? tables.taskDefinitions.get(taskDefinitionId(ref.family, ref.revision)) : undefined;
        if (!row || row.value.taskDefinition.status === 'DELETE_IN_PROGRESS') {
          throw new ResourceNotFound('The specified resource could not be found.');
        }
        return {
          tags: row.value.tags,
          write: (tags) => new Txn().put(tables.taskDefinitions, row.id, { ...row.value, tags }, row.modRevision),
        };
      }
      case 'container-instance': {
        const row = tables.containerInstances.get(id);
        if (!row) throw new ResourceNotFound('The specified resource could not be found.');
        return {
          tags: row.value.tags ?? [],
          write: (tags) => new Txn().put(tables.containerInstances, row.id, { ...row.value, tags }, row.modRevision),
        };
      }
      case 'service': {
        // Only the long ARN format (service/CLUSTER/NAME) names a taggable service, as on ECS.
        if (rest.length !== 2) throw new InvalidParameter('Long arn format must be used for tagging operations');
        const row = tables.services.get(id);
        if (!row || row.value.service.status === 'INACTIVE') throw new ResourceNotFound('The specified resource could not be found.');
        return {
          tags: row.value.service.tags ?? [],
          write: (tags) => new Txn().put(tables.services, row.id, { ...row.value, service: { ...row.value.service, tags } }, row.modRevision),
        };
      }
      case 'task': {
        if (rest.length !== 2) throw new InvalidParameter('Long arn format must be used for tagging operations');
        const row = tables.tasks.get(id);
        if (!row) throw new ResourceNotFound('The specified resource could not be found.');
        return {
          tags: row.value.task.tags ?? [],
          write: (tags) => new Txn().put(tables.tasks, row.id, { ...row.value, task: { ...row.value.task, tags } }, row.modRevision),
        };
      }
      default:
        throw new InvalidParameter(`Invalid resource ARN: ${arn}. The resource type '${kind}' cannot be tagged.`);
    }
  };

  return {
    async TagResource(input: TagResourceRequest): Promise<TagResourceResponse> {
      validateTags(input.tags);
      await ecs.cache.update(() => {
        const r = resolve(input.resourceArn!);
        return { txn: r.write(mergeTags(r.tags, input.tags ?? [])), result: null };
      });
      return {};
    },

    async UntagResource(input: UntagResourceRequest): Promise<UntagResourceResponse> {
      await ecs.cache.update(() => {
        const r = resolve(input.resourceArn!);
        return { txn: r.write(removeTags(r.tags, input.tagKeys ?? [])), result: null };
      });
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceRequest): ListTagsForResourceResponse {
      return { tags: resolve(input.resourceArn!).tags };
    },
  };
}
