// Checking deploymentConfiguration.strategy and what it needs, as CreateService and UpdateService do before writing
// anything: BLUE_GREEN, LINEAR and CANARY shift traffic between two target groups on a load balancer entry with an
// advancedConfiguration; the percentages and bake times within ECS's ranges; lifecycle hooks: PAUSE hooks, and
// AWS_LAMBDA hooks whose hookTargetArn is an http:// or https:// URL Wharf calls, or a task definition revision ARN it
// runs as a one-shot task, in place of a Lambda function (Wharf has no Lambda: a Lambda function ARN is refused, since a hook that can never answer would hold or fail every deployment).
import type { DeploymentConfiguration, DeploymentLifecycleHook, LoadBalancer } from '@aws-sdk/client-ecs';
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
  for (const hook of config.lifecycleHooks ?? []) checkHook(hook);
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
  if (!SHIFTING.has(strategy)) {
    if (config.lifecycleHooks?.length) throw new InvalidParameter('Lifecycle hooks are supported only with the BLUE_GREEN, LINEAR and CANARY deployment strategies.');
    return;
  }
  if (scheduling === 'DAEMON') throw new InvalidParameter(`The ${strategy} deployment strategy is not supported for the DAEMON scheduling strategy.`);
  if (!loadBalancers.some((lb) => lb.advancedConfiguration)) {
    throw new InvalidParameter(`The ${strategy} deployment strategy requires a load balancer with an advancedConfiguration (alternateTargetGroupArn, productionListenerRule).`);
  }
}

/** The stages a hook may name; PAUSE hooks not the two stages during which traffic moves (ECS's rule). */
export const HOOK_STAGES: readonly string[] = [
  'RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT',
];
const MOVING = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/** Whether a hook target is a task definition Wharf runs as a one-shot task (a full revision ARN). */
export const isHookTaskDefinition = (target: string | undefined) =>
  !!target && /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/.test(target);

/** Whether a hook target is a URL Wharf calls (http:// or https://). */
export const isHookUrl = (target: string | undefined) => !!target && /^https?:\/\/[^\s/]+/i.test(target) && URL.canParse(target);

function checkHook(hook: DeploymentLifecycleHook): void {
  const type = hook.targetType ?? 'AWS_LAMBDA';
  const stages = hook.lifecycleStages ?? [];
  if (stages.length === 0) throw new InvalidParameter('lifecycleStages must be specified for a deployment lifecycle hook.');
  for (const s of stages) if (!HOOK_STAGES.includes(s)) throw new InvalidParameter(`Invalid lifecycle stage: ${s}`);
  const timeout = hook.timeoutConfiguration?.timeoutInMinutes;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 1440)) {
    throw new InvalidParameter('timeoutConfiguration.timeoutInMinutes must be between 1 and 1440 minutes.');
  }
  if (type === 'PAUSE') {
    const moving = stages.find((s) => MOVING.has(s));
    if (moving) throw new InvalidParameter(`PAUSE hooks cannot be configured at the ${moving} stage.`);
    if (hook.hookTargetArn) throw new InvalidParameter('hookTargetArn is not applicable for PAUSE hooks.');
    return;
  }
  if (!hook.hookTargetArn) throw new InvalidParameter('hookTargetArn must be specified for an AWS_LAMBDA lifecycle hook.');
  if (!isHookUrl(hook.hookTargetArn) && !isHookTaskDefinition(hook.hookTargetArn)) {
    throw new UnsupportedFeature(
      `Wharf has no AWS Lambda to invoke ${hook.hookTargetArn}: give an AWS_LAMBDA hook's hookTargetArn as the http:// or https:// URL Wharf should call, or the ARN of a task definition revision to run as a one-shot task.`,
    );
  }
}
