// Why this exists: the Cloud Map API (`aws servicediscovery`) as the gateway serves it: JSON 1.1 under
// Route53AutoNaming_v20170314, signing name `servicediscovery`, input checked against the real model (InvalidInput).
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import { DiscoveryContext, type DiscoveryDeps } from './context.js';
import { instanceOperations } from './instances.js';
import { namespaceOperations } from './namespaces.js';
import { operationOperations } from './operations.js';
import { serviceOperations } from './services.js';

export function serviceDiscoveryService(deps: DiscoveryDeps): ServiceDefinition {
  const sd = new DiscoveryContext(deps);
  return {
    signingName: 'servicediscovery',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'Route53AutoNaming_v20170314',
    model: loadModel('servicediscovery'),
    validationErrorCode: 'InvalidInput',
    maxBodyBytes: 1024 * 1024,
    operations: { ...namespaceOperations(sd), ...serviceOperations(sd), ...instanceOperations(sd), ...operationOperations(sd) },
  };
}
