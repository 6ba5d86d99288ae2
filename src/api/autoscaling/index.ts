// Why this exists: the Application Auto Scaling API as the gateway serves it: JSON 1.1 under AnyScaleFrontendService,
// signing name `application-autoscaling`.
import type { ScalingEngine } from '../../autoscaling/engine.js';
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import { policyOperations } from './policies.js';
import { scheduledOperations } from './scheduled.js';
import { targetOperations } from './targets.js';

export function autoScalingService(engine: ScalingEngine, metricPeriodSeconds: number): ServiceDefinition {
  return {
    signingName: 'application-autoscaling',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AnyScaleFrontendService',
    model: loadModel('autoscaling'),
    validationErrorCode: 'ValidationException',
    maxBodyBytes: 1024 * 1024,
    operations: { ...targetOperations(engine), ...policyOperations(engine, metricPeriodSeconds), ...scheduledOperations(engine) },
  };
}
