// The IAM API as the gateway serves it: the query protocol (Action=... form bodies, XML answers) under the signing
// name `iam`, model-validated with IAM's `ValidationError` code. IAM is global: any region in the scope is accepted.
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import type { Iam } from '../../identity/iam.js';
import { policyOperations } from './policies.js';
import { roleOperations } from './roles.js';
import { userOperations } from './users.js';

export function iamService(iam: Iam): ServiceDefinition {
  return {
    signingName: 'iam',
    protocol: 'query',
    model: loadModel('iam'),
    validationErrorCode: 'ValidationError',
    maxBodyBytes: 256 * 1024,
    operations: { ...userOperations(iam), ...policyOperations(iam), ...roleOperations(iam) },
  };
}
