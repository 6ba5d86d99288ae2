// The Secrets Manager API as the gateway serves it: JSON 1.1 under target prefix `secretsmanager`, signing name
// `secretsmanager`, input checked against the service model (violations as ValidationException).
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import type { SecretsManager } from '../../secrets/secretsManager.js';
import { secretOperations } from './secrets.js';
import { valueOperations } from './values.js';

export function secretsManagerService(sm: SecretsManager): ServiceDefinition {
  return {
    signingName: 'secretsmanager',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'secretsmanager',
    model: loadModel('secretsmanager'),
    validationErrorCode: 'ValidationException',
    // A 64 KiB value, base64 when binary, plus the request around it.
    maxBodyBytes: 256 * 1024,
    operations: { ...valueOperations(sm), ...secretOperations(sm) },
  };
}
