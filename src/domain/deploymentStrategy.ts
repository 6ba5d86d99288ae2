// Checking deploymentConfiguration.strategy and what it needs, as CreateService and UpdateService do before writing
// anything: BLUE_GREEN, LINEAR and CANARY shift traffic between two target groups on a load balancer entry with an
// advancedConfiguration; the percentages and bake times within ECS's ranges. Lifecycle hooks are refused: ECS calls
// an AWS Lambda function at each hook, and Wharf has no Lambda to call, so a hook could never answer.
import type { DeploymentConfiguration, LoadBalancer } from '@aws-sdk/client-ecs';
import { InvalidParameter, UnsupportedFeature } from './errors.js';

const SHIFTING = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

const minutes = (name: string, v: number | undefined) => {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 1440)) throw new InvalidParameter(`${name} must be between 0 and 1440 minutes.`);
};

/** A multiple of 0.1 between `min` and 100. */
const percent = (name: string, v: number | undefined, min: number) => {
  if (v === undefined) return;
  const tenths = Math.round(v * 10);
  if (Math.abs(tenths - v * 10) > 1e-6 || v < min || v > 100) {
    throw new InvalidParameter(`${name} must be a multiple of 0.1 between ${min.toFixed(1)} and 100.0.`);
  }
};

export function checkDeploymentStrategy(config: DeploymentConfiguration, loadBalancers: readonly LoadBalancer[], scheduling: string): void {
  if (config.lifecycleHooks?.length) {
    throw new UnsupportedFeature('Deployment lifecycle hooks are not supported: they call AWS Lambda functions, which Wharf does not have.');
  }
  minutes('bakeTimeInMinutes', config.bakeTimeInMinutes);
  percent('linearConfiguration.stepPercent', config.linearConfiguration?.stepPercent, 3);
  minutes('linearConfiguration.stepBakeTimeInMinutes', config.linearConfiguration?.stepBakeTimeInMinutes);
  percent('canaryConfiguration.canaryPercent', config.canaryConfiguration?.canaryPercent, 0.1);
  minutes('canaryConfiguration.canaryBakeTimeInMinutes', config.canaryConfiguration?.canaryBakeTimeInMinutes);
  const strategy = config.strategy ?? 'ROLLING';
  for (const lb of loadBalancers) {
    const adv = lb.advancedConfiguration;
    if (!adv) continue;
    if (!adv.alternateTargetGroupArn) throw new InvalidParameter('advancedConfiguration must specify an alternateTargetGroupArn.');
    if (!adv.productionListenerRule) throw new InvalidParameter('advancedConfiguration must specify a productionListenerRule.');
    if (adv.alternateTargetGroupArn === lb.targetGroupArn) throw new InvalidParameter('The alternateTargetGroupArn must differ from the targetGroupArn.');
  }
  if (!SHIFTING.has(strategy)) return;
  if (scheduling === 'DAEMON') throw new InvalidParameter(`The ${strategy} deployment strategy is not supported for the DAEMON scheduling strategy.`);
  if (!loadBalancers.some((lb) => lb.advancedConfiguration)) {
    throw new InvalidParameter(`The ${strategy} deployment strategy requires a load balancer with an advancedConfiguration (alternateTargetGroupArn, productionListenerRule).`);
  }
}
