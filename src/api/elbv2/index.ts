// The ELBv2 API as the gateway serves it: the query protocol (Action=... form bodies, XML answers) under the signing
// name `elasticloadbalancing`, model-validated with ELBv2's `ValidationError` code.
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import { ElbContext, type ElbDeps } from './context.js';
import { listenerOperations } from './listeners.js';
import { loadBalancerOperations } from './loadBalancers.js';
import { ruleOperations } from './rules.js';
import { tagOperations } from './tags.js';
import { targetGroupOperations } from './targetGroups.js';
import { targetOperations } from './targets.js';

export type { ElbDeps } from './context.js';

export function elbv2Service(deps: ElbDeps): ServiceDefinition {
  const elb = new ElbContext(deps);
  return {
    signingName: 'elasticloadbalancing',
    protocol: 'query',
    model: loadModel('elbv2'),
    validationErrorCode: 'ValidationError',
    maxBodyBytes: 1024 * 1024,
    operations: {
      ...loadBalancerOperations(elb),
      ...targetGroupOperations(elb),
      ...targetOperations(elb),
      ...listenerOperations(elb),
      ...ruleOperations(elb),
      ...tagOperations(elb),
    },
  };
}
