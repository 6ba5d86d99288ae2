// What an AWS API plugs into the gateway: its signing name, wire protocol, model and operation handlers.
import type { ServiceModel } from './model/index.js';

export interface RequestContext {
  requestId: string;
  region: string;
  accountId: string;
  accessKeyId: string;
  /** The caller's ARN: the account root, an IAM user, or an assumed-role session. */
  principalArn: string;
  /** Who signed the request (the gateway always sets it; absent only in contexts made by hand). */
  caller?: Caller;
  now: Date;
  /**
   * A request header by its lower-case name (absent in contexts made by hand). Nothing read from it may widen what
   * the caller may do: headers a client did not sign are hints only.
   */
  header?: (name: string) => string | undefined;
}

/** The identity behind a verified access key. */
export interface Caller {
  /** root: Wharf's own keys (all access); instance: an agent's keys (as before IAM); user/role: policies decide. */
  kind: 'root' | 'instance' | 'user' | 'role';
  arn: string;
  /** GetCallerIdentity's UserId: the account id for root, AIDA... for a user, AROA...:session for a role session. */
  userId: string;
  accessKeyId: string;
}

/** What the gateway asks about callers: who a key is, and whether it may do what it asks. */
export interface GatewayIdentity {
  /**
   * The caller behind an access key whose signature is being checked. `sessionToken` is X-Amz-Security-Token and
   * `tokenSigned` whether the signature covers it. Throws (ExpiredToken, UnrecognizedClient) for keys it refuses.
   */
  caller(accessKeyId: string, sessionToken: string | undefined, tokenSigned: boolean, now: Date): Caller;
  /** Throws the protocol's AccessDenied when the caller's policies do not allow the operation. */
  authorize(caller: Caller, request: AuthorizationRequest): void;
}

export interface AuthorizationRequest {
  signingName: string;
  protocol: 'json' | 'query' | 'cbor' | 'rest-json';
  operation: string;
  input: unknown;
  region: string;
  accountId: string;
  now: Date;
}

// Handlers receive input already checked against the service model, so `any` here is narrowed by each handler's
// own SDK request type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationHandler = (input: any, ctx: RequestContext) => unknown;

export interface ServiceDefinition {
  /** SigV4 signing name, e.g. `ecs`, `elasticloadbalancing`. */
  signingName: string;
  /** rest-json: operations found by method and path from the model's request URIs (EFS). */
  protocol: 'json' | 'query' | 'rest-json';
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
