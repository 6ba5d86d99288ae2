// Why this exists: the one entry point to Wharf's model-driven layer: load a committed AWS service model, validate
// JSON-protocol input against it, and decode/encode the query protocol (ELBv2, CloudWatch).
//
// A model is read from its file (src/models/, copied to dist/src/models/ by the build through files.ts) the first
// time anything looks into it: the twelve models are 1.1 MB of JSON, a tenth of start-up's CPU when all were parsed
// before the API could answer; a start now parses only those its first requests use.

import { readFileSync } from 'node:fs';
import type { ModelName, ServiceModel } from './types.js';

const NAMES: readonly ModelName[] = ['ecs', 'elbv2', 'cloudwatch', 'ecr', 'logs', 'autoscaling', 'servicediscovery', 'secretsmanager', 'ssm', 'iam', 'sts', 'efs'];
const MODELS = new Map<ModelName, ServiceModel>();

/** The committed model of one service. The same object on every call; its file is parsed on first use. */
export function loadModel(name: ModelName): ServiceModel {
  if (!NAMES.includes(name)) throw new Error(`unknown service model: ${String(name)}`);
  let model = MODELS.get(name);
  if (!model) MODELS.set(name, (model = lazyModel(name)));
  return model;
}

const PARTS = ['metadata', 'operations', 'shapes'] as const;

/** A model whose parts are getters that parse the file once, then become plain properties of the same object. */
function lazyModel(name: ModelName): ServiceModel {
  const model = {} as ServiceModel;
  const load = () => {
    const parsed = JSON.parse(readFileSync(new URL(`../../models/${name}.json`, import.meta.url), 'utf8')) as ServiceModel;
    for (const part of PARTS) Object.defineProperty(model, part, { value: parsed[part], enumerable: true, writable: false, configurable: false });
  };
  for (const part of PARTS) {
    Object.defineProperty(model, part, {
      enumerable: true,
      configurable: true,
      get() {
        load();
        return model[part];
      },
    });
  }
  return model;
}

export type * from './types.js';
export { validateInput, type ValidateOptions, MAX_DEPTH } from './validate.js';
export { decodeQueryInput, encodeQueryOutput, encodeQueryError, queryError, type QueryDecodeOptions } from './query.js';
export { compileModel, compilePattern } from './compile.js';
