// Why this exists: the CloudWatch API as the gateway serves it: signing name `monitoring`, the query protocol (the
// aws CLI 2.x), AWS JSON 1.0 (the current JS SDK, query-compatible errors) and Smithy RPC v2 CBOR (current botocore).
import { loadModel } from '../../gateway/model/index.js';
import type { ServiceDefinition } from '../../gateway/service.js';
import type { Metrics } from '../../metrics/index.js';
import { alarmOperations } from './alarms.js';
import { metricDataOperations } from './metricData.js';
import { metricOperations } from './metrics.js';

export function cloudwatchService(m: Metrics): ServiceDefinition {
  return {
    signingName: 'monitoring',
    protocol: 'query',
    alsoSpeaks: ['json', 'cbor'],
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    queryCompatible: true,
    model: loadModel('cloudwatch'),
    validationErrorCode: 'ValidationError',
    // PutMetricData takes up to 1 MB (compressed bodies are inflated after the signature is checked).
    maxBodyBytes: 1024 * 1024,
    operations: { ...metricOperations(m), ...metricDataOperations(m), ...alarmOperations(m) },
  };
}
