// Why this exists: the capacity arithmetic of scaling policies as pure functions: target tracking (proportional,
// rounded up so scale-in stays conservative), step adjustments (bounds relative to the alarm threshold) and clamping.
import type { StepConfig } from './tables.js';

export const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** Capacity that brings the metric to the target: current × metric / target, rounded up. */
export function trackingCapacity(current: number, metric: number, target: number): number {
  if (current === 0) return metric > 0 ? 1 : 0;
  return Math.ceil((current * metric) / target - 1e-9);
}

/** New capacity from a step policy for an alarm whose metric is `breach` above (or below) its threshold. */
export function stepCapacity(current: number, cfg: StepConfig, breach: number): number | undefined {
  const steps = cfg.StepAdjustments ?? [];
  const step =
    steps.find((s) => (s.MetricIntervalLowerBound ?? -Infinity) <= breach && breach < (s.MetricIntervalUpperBound ?? Infinity)) ??
    // An alarm set by hand (no datapoint) takes the step that starts at the threshold.
    steps.find((s) => (s.MetricIntervalLowerBound ?? -Infinity) <= 0 && 0 <= (s.MetricIntervalUpperBound ?? Infinity));
  if (!step) return undefined;
  const adj = step.ScalingAdjustment;
  switch (cfg.AdjustmentType ?? 'ChangeInCapacity') {
    case 'ExactCapacity':
      return adj;
    case 'PercentChangeInCapacity': {
      let delta = (current * adj) / 100;
      delta = delta < 0 ? Math.ceil(delta) : Math.floor(delta);
      const minMag = cfg.MinAdjustmentMagnitude ?? 1;
      if (adj !== 0 && Math.abs(delta) < minMag) delta = Math.sign(adj) * minMag;
      return current + delta;
    }
    default:
      return current + adj;
  }
}
