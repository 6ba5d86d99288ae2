// What an AWS API plugs into the gateway: its signing name, wire protocol, model and operation handlers.
import type { ServiceModel } from './model/index.js';

export interface RequestContext {
  requestId: string;
  region: string;
  accountId: string;
  accessKeyId: string;
  /** The caller's ARN; Wharf has one root principal per key. */
  principalArn: string;
  now: Date;
}

// Handlers receive input already checked against the service model, so `any` here is narrowed by each handler's
// own SDK request type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationHandler = (input: any, ctx: RequestContext) => unknown;

export interface ServiceDefinition {
  /** SigV4 signing name, e.g. `ecs`, `elasticloadbalancing`. */
  signingName: string;
  protocol: 'json' | 'query';
  /** Further protocols on the same signing name, picked per request by its headers (see protocols/negotiate.ts). */
  alsoSpeaks?: ('json' | 'cbor')[];
  /** JSON/CBOR errors also carry the query code in `x-amzn-query-error` (CloudWatch). */
  queryCompatible?: boolean;
  /** JSON protocol: the X-Amz-Target prefix, e.g. `AmazonEC2ContainerServiceV20141113`. */
  targetPrefix?: string;
  jsonVersion?: '1.0' | '1.1';
  model?: ServiceModel;
  /** Code for model constraint violations (ECS: InvalidParameterException; most others: ValidationException). */
  validationErrorCode: string;
  operations: Record<string, OperationHandler>;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}
