// Why this exists: the CloudWatch Logs API as the gateway serves it: JSON 1.1 under Logs_20140328, signing name `logs`.
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import type { Logs } from '../../logs/index.js';
import { eventOperations } from './events.js';
import { groupOperations } from './groups.js';

export function logsService(l: Logs): ServiceDefinition {
  return {
    signingName: 'logs',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'Logs_20140328',
    model: loadModel('logs'),
    validationErrorCode: 'InvalidParameterException',
    // A PutLogEvents batch is at most 1 MiB of events; JSON framing adds a little.
    maxBodyBytes: 2 * 1024 * 1024,
    operations: { ...groupOperations(l), ...eventOperations(l) },
  };
}
