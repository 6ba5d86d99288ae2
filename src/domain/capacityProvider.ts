// Capacity providers other than FARGATE and FARGATE_SPOT. ECS backs one with an Auto Scaling group; Wharf has none,
// so a capacity provider stands for a pool of Wharf agents: the instances whose `wharf.pool` attribute equals the
// Auto Scaling group's name (the last part of autoScalingGroupArn, or the whole value when it is a bare name). Tasks a
// strategy gives the provider are placed on those instances only (launch type EC2). Managed scaling and termination
// protection are checked and shown as given; controllers/managedScaling.ts reports the reservation and advises a
// webhook, since there is no group to resize.
import type { AutoScalingGroupProvider, CapacityProvider } from '@aws-sdk/client-ecs';
import { InvalidParameter } from './errors.js';

/** The instance attribute that puts an agent in a pool (`wharf agent --attribute wharf.pool=NAME`). */
export const POOL_ATTRIBUTE = 'wharf.pool';

export interface CapacityProviderRecord {
  capacityProvider: CapacityProvider;
  /** The pool its tasks are placed on (the value of POOL_ATTRIBUTE). */
  pool: string;
}

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const POOL = /^[a-zA-Z0-9_.-]{1,255}$/;

export function checkCapacityProviderName(name: string | undefined): string {
  if (!name || !NAME.test(name)) {
    throw new InvalidParameter('The capacity provider name can only contain letters, numbers, underscores, and hyphens, and must be 1 to 255 characters.');
  }
  if (/^(aws|ecs|fargate)/i.test(name)) throw new InvalidParameter("The capacity provider name cannot begin with 'aws', 'ecs', or 'fargate'.");
  return name;
}

/** The pool an Auto Scaling group names: `...:autoScalingGroupName/NAME`, or a bare group name. */
export function poolOf(autoScalingGroupArn: string | undefined): string {
  const v = autoScalingGroupArn ?? '';
  const name = v.startsWith('arn:') ? (v.split('autoScalingGroupName/')[1] ?? '') : v;
  if (!POOL.test(name)) {
    throw new InvalidParameter(
      `The Auto Scaling group ${v} is not valid. Wharf places a capacity provider's tasks on the agents whose ${POOL_ATTRIBUTE} attribute is the group's name: letters, numbers, periods, underscores and hyphens.`,
    );
  }
  return name;
}

/** ECS's defaults and ranges for an Auto Scaling group provider. */
export function resolveAsgProvider(given: AutoScalingGroupProvider, current?: AutoScalingGroupProvider): AutoScalingGroupProvider {
  const ms = { ...(current?.managedScaling ?? { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 }), ...given.managedScaling };
  const inRange = (v: number | undefined, lo: number, hi: number) => v === undefined || (Number.isInteger(v) && v >= lo && v <= hi);
  if (!inRange(ms.targetCapacity, 1, 100)) throw new InvalidParameter('The managed scaling target capacity must be between 1 and 100.');
  if (!inRange(ms.minimumScalingStepSize, 1, 10000) || !inRange(ms.maximumScalingStepSize, 1, 10000)) {
    throw new InvalidParameter('The managed scaling step sizes must be between 1 and 10000.');
  }
  if ((ms.minimumScalingStepSize ?? 1) > (ms.maximumScalingStepSize ?? 10000)) {
    throw new InvalidParameter('The managed scaling minimum step size must not be greater than the maximum step size.');
  }
  if (!inRange(ms.instanceWarmupPeriod, 0, 10000)) throw new InvalidParameter('The managed scaling instance warmup period must be between 0 and 10000.');
  const protection = given.managedTerminationProtection ?? current?.managedTerminationProtection ?? 'DISABLED';
  if (protection === 'ENABLED' && ms.status !== 'ENABLED') {
    throw new InvalidParameter(
      'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.',
    );
  }
  return {
    autoScalingGroupArn: current?.autoScalingGroupArn ?? given.autoScalingGroupArn,
    managedScaling: ms,
    managedTerminationProtection: protection,
    managedDraining: given.managedDraining ?? current?.managedDraining ?? 'ENABLED',
  };
}
