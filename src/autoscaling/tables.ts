// Why this exists: Application Auto Scaling's state in the shared store: scalable targets, scaling policies,
// scheduled actions and the recent scaling activities, keyed under the target they belong to.
import type { StateCache, Table } from '../store/cache.js';

export interface SuspendedState {
  DynamicScalingInSuspended: boolean;
  DynamicScalingOutSuspended: boolean;
  ScheduledScalingSuspended: boolean;
}

export interface TargetRecord {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  RoleARN: string;
  CreationTime: Date;
  SuspendedState: SuspendedState;
  ScalableTargetARN: string;
}

export interface PolicyRecord {
  PolicyARN: string;
  PolicyName: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  PolicyType: 'TargetTrackingScaling' | 'StepScaling';
  // Stored as given (validated by the model); the engine reads the fields it needs.
  StepScalingPolicyConfiguration?: StepConfig;
  TargetTrackingScalingPolicyConfiguration?: TrackingConfig;
  Alarms: { AlarmName: string; AlarmARN: string }[];
  CreationTime: Date;
}

export interface StepConfig {
  AdjustmentType?: 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';
  StepAdjustments?: { MetricIntervalLowerBound?: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number }[];
  MinAdjustmentMagnitude?: number;
  Cooldown?: number;
  MetricAggregationType?: string;
}

export interface TrackingConfig {
  TargetValue: number;
  PredefinedMetricSpecification?: { PredefinedMetricType: string; ResourceLabel?: string };
  CustomizedMetricSpecification?: { MetricName?: string; Namespace?: string; Dimensions?: { Name: string; Value: string }[]; Statistic?: string; Unit?: string };
  ScaleOutCooldown?: number;
  ScaleInCooldown?: number;
  DisableScaleIn?: boolean;
}

export interface ScheduledRecord {
  ScheduledActionName: string;
  ScheduledActionARN: string;
  ServiceNamespace: string;
  Schedule: string;
  Timezone?: string;
  ResourceId: string;
  ScalableDimension: string;
  StartTime?: Date;
  EndTime?: Date;
  ScalableTargetAction?: { MinCapacity?: number; MaxCapacity?: number };
  CreationTime: Date;
  /** Up to when the schedule has been looked at (so each fire time acts once, across restarts). */
  checkedUntil: Date;
}

export interface ActivityRecord {
  ActivityId: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  Description: string;
  Cause: string;
  StartTime: Date;
  EndTime?: Date;
  StatusCode: 'Pending' | 'InProgress' | 'Successful' | 'Overridden' | 'Unfulfilled' | 'Failed';
  StatusMessage?: string;
}

/** When a policy last scaled out (and to what) and in: its cooldowns, kept across a change of leader. */
export interface CooldownRecord {
  outAt?: number;
  outTo?: number;
  inAt?: number;
}

export interface ScalingTables {
  targets: Table<TargetRecord>;
  policies: Table<PolicyRecord>;
  scheduled: Table<ScheduledRecord>;
  activities: Table<ActivityRecord>;
  cooldowns: Table<CooldownRecord>;
}

/** A cooldown row's id: the policy's ARN, encoded (it carries slashes). */
export const cooldownId = (policyArn: string) => encodeURIComponent(policyArn);

/** The id of a target (and the prefix of everything under it): `ecs/ecs:service:DesiredCount/service/c/s`. */
export const targetId = (ns: string, dim: string, resourceId: string) => `${ns}/${dim}/${resourceId}`;
const owner = (r: { ServiceNamespace: string; ScalableDimension: string; ResourceId: string }) => targetId(r.ServiceNamespace, r.ScalableDimension, r.ResourceId);

export function createScalingTables(cache: StateCache): ScalingTables {
  return {
    targets: cache.table<TargetRecord>({ prefix: 'autoscaling/targets/' }),
    policies: cache.table<PolicyRecord>({ prefix: 'autoscaling/policies/', indexes: { target: owner, arn: (p) => p.PolicyARN } }),
    scheduled: cache.table<ScheduledRecord>({ prefix: 'autoscaling/scheduled/', indexes: { target: owner } }),
    activities: cache.table<ActivityRecord>({ prefix: 'autoscaling/activities/', indexes: { target: owner } }),
    cooldowns: cache.table<CooldownRecord>({ prefix: 'autoscaling/cooldowns/' }),
  };
}
