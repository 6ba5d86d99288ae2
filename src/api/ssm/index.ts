// SSM Parameter Store as the gateway serves it: JSON 1.1 under target prefix `AmazonSSM`, signing name `ssm`, input
// checked against the SSM model (violations as ValidationException). Only the Parameter Store operations (and tags
// on parameters) are served; the rest of SSM answers UnknownOperationException.
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import type { ParameterStore } from '../../secrets/parameterStore.js';
import { parameterOperations } from './parameters.js';

export function ssmService(ps: ParameterStore): ServiceDefinition {
  return {
    signingName: 'ssm',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AmazonSSM',
    model: loadModel('ssm'),
    validationErrorCode: 'ValidationException',
    // Ten 8 KB values at most, plus the request around them.
    maxBodyBytes: 256 * 1024,
    operations: parameterOperations(ps),
  };
}
