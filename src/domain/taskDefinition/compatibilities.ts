// The launch types a definition can run on, as ECS computes them at registration (the `compatibilities` field):
// EC2 always; EXTERNAL (ECS Anywhere) outside awsvpc; MANAGED_INSTANCES in awsvpc and host; FARGATE when the
// definition passes every Fargate rule, whether or not FARGATE was required.
import type { Compatibility } from '@aws-sdk/client-ecs';
import { fitsFargate } from './fargate.js';
import type { TaskView } from './view.js';

export function computeCompatibilities(view: TaskView): Compatibility[] {
  switch (view.networkMode) {
    case 'awsvpc':
      return ['EC2', 'MANAGED_INSTANCES', ...(fitsFargate(view) ? (['FARGATE'] as const) : [])];
    case 'host':
      return ['EXTERNAL', 'EC2', 'MANAGED_INSTANCES'];
    default:
      return ['EXTERNAL', 'EC2'];
  }
}
