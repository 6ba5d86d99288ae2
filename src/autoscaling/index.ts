// Why this exists: the auto scaling feature as the control plane composes it: tables, the engine, and the hook that
// lets CloudWatch alarms call scaling policies.
import type { Metrics } from '../metrics/index.js';
import { ScalingEngine, type ScalingEngineOptions } from './engine.js';

export function startAutoScaling(metrics: Metrics, opts: Omit<ScalingEngineOptions, 'alarms' | 'cache'> & { cache?: ScalingEngineOptions['cache'] }): ScalingEngine {
  const engine = new ScalingEngine({ ...opts, cache: opts.cache ?? metrics.opts.cache, alarms: metrics.tables, now: opts.now ?? metrics.now });
  metrics.evaluator.onAction(engine.onAlarmAction);
  return engine;
}

export { ScalingEngine, type ScalableService } from './engine.js';
export { createScalingTables, type ScalingTables } from './tables.js';
