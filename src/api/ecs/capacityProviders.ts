// Capacity providers as ECS shows them before any are created: FARGATE and FARGATE_SPOT, which every account has.
// Wharf runs them on the FARGATE pool (instances with the wharf.capacity.fargate attribute).
import type {
  CapacityProvider,
  DescribeCapacityProvidersRequest,
  DescribeCapacityProvidersResponse,
  Failure,
} from '@aws-sdk/client-ecs';
import { ecsArn } from '../../domain/arn.js';
import { BUILTIN_CAPACITY_PROVIDERS } from '../../domain/cluster.js';
import { paginate } from '../../domain/paging.js';
import type { RequestContext } from '../../gateway/service.js';

export function capacityProviderOperations() {
  return {
    DescribeCapacityProviders(input: DescribeCapacityProvidersRequest, ctx: RequestContext): DescribeCapacityProvidersResponse {
      const arnOf = (name: string) => ecsArn({ region: ctx.region, accountId: ctx.accountId }, `capacity-provider/${name}`);
      const all: CapacityProvider[] = BUILTIN_CAPACITY_PROVIDERS.map((name) => ({
        capacityProviderArn: arnOf(name),
        name,
        status: 'ACTIVE',
        ...(input.include?.includes('TAGS') ? { tags: [] } : {}),
      }));
      const failures: Failure[] = [];
      let chosen = all;
      if (input.capacityProviders !== undefined && input.capacityProviders.length > 0) {
        chosen = [];
        for (const ref of input.capacityProviders) {
          const name = ref.startsWith('arn:') ? ref.split('/').pop()! : ref;
          const found = all.find((p) => p.name === name);
          if (found) chosen.push(found);
          else failures.push({ arn: ref.startsWith('arn:') ? ref : arnOf(ref), reason: 'MISSING' });
        }
      }
      const page = paginate(chosen, (p) => p.name!, { maxResults: input.maxResults, nextToken: input.nextToken, limit: 10 });
      return { capacityProviders: page.items, failures, nextToken: page.nextToken };
    },
  };
}
