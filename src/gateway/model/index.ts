// Why this exists: the one entry point to Wharf's model-driven layer: load a committed AWS service model, validate
// JSON-protocol input against it, and decode/encode the query protocol (ELBv2, CloudWatch).
//
// The models are imported as JSON modules so `tsc` copies them next to the compiled code (dist/src/models/) and
// vitest resolves them from src/; each is parsed once, when this module is first loaded.

import autoscaling from '../../models/autoscaling.json' with { type: 'json' };
import cloudwatch from '../../models/cloudwatch.json' with { type: 'json' };
import ecr from '../../models/ecr.json' with { type: 'json' };
import ecs from '../../models/ecs.json' with { type: 'json' };
import elbv2 from '../../models/elbv2.json' with { type: 'json' };
import logs from '../../models/logs.json' with { type: 'json' };
import secretsmanager from '../../models/secretsmanager.json' with { type: 'json' };
import servicediscovery from '../../models/servicediscovery.json' with { type: 'json' };
import ssm from '../../models/ssm.json' with { type: 'json' };
import iam from '../../models/iam.json' with { type: 'json' };
import sts from '../../models/sts.json' with { type: 'json' };
import efs from '../../models/efs.json' with { type: 'json' };
import type { ModelName, ServiceModel } from './types.js';

const MODELS: Record<ModelName, ServiceModel> = {
  ecs: ecs as unknown as ServiceModel,
  elbv2: elbv2 as unknown as ServiceModel,
  cloudwatch: cloudwatch as unknown as ServiceModel,
  ecr: ecr as unknown as ServiceModel,
  logs: logs as unknown as ServiceModel,
  autoscaling: autoscaling as unknown as ServiceModel,
  servicediscovery: servicediscovery as unknown as ServiceModel,
  secretsmanager: secretsmanager as unknown as ServiceModel,
  ssm: ssm as unknown as ServiceModel,
  iam: iam as unknown as ServiceModel,
  sts: sts as unknown as ServiceModel,
  efs: efs as unknown as ServiceModel,
};

/** The committed model of one service. The same object on every call. */
export function loadModel(name: ModelName): ServiceModel {
  if (!Object.hasOwn(MODELS, name)) throw new Error(`unknown service model: ${String(name)}`);
  return MODELS[name];
}

export type * from './types.js';
export { validateInput, type ValidateOptions, MAX_DEPTH } from './validate.js';
export { decodeQueryInput, encodeQueryOutput, encodeQueryError, queryError, type QueryDecodeOptions } from './query.js';
export { compileModel, compilePattern } from './compile.js';
