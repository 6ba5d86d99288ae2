// Why this exists: the typed shape of the compact service models in src/models/ (written by scripts/gen-models.mjs from
// botocore's service-2.json), shared by the validator and the query codec.

export type ModelName =
  | 'ecs' | 'elbv2' | 'cloudwatch' | 'ecr' | 'logs' | 'autoscaling' | 'servicediscovery' | 'secretsmanager' | 'ssm'
  | 'iam' | 'sts' | 'efs';

export type ShapeType =
  | 'structure' | 'list' | 'map'
  | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob';

/** A reference to a shape from a member, list member or map key/value, with its wire-name traits. */
export interface ShapeRef {
  shape: string;
  location?: string;
  locationName?: string;
  flattened?: boolean;
  queryName?: string;
  xmlName?: string;
  xmlAttribute?: boolean;
  timestampFormat?: string;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  timestampFormat?: string;
  flattened?: boolean;
  locationName?: string;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  union?: boolean;
  document?: boolean;
  exception?: boolean;
  fault?: boolean;
  /** Query-protocol error traits: the wire code and status of an exception shape. */
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  event?: boolean;
  eventstream?: boolean;
}

export interface Operation {
  input?: string;
  output?: string;
  /** Query protocol: the element wrapping the output, e.g. `CreateTargetGroupResult`. */
  resultWrapper?: string;
  /** Names of the exception shapes the operation may return. */
  errors?: string[];
  /** REST protocols: the method, path template and success status that name the operation. */
  http?: { method: string; requestUri: string; responseCode?: number };
}

export interface ModelMetadata {
  apiVersion: string;
  protocol: string;
  protocols?: string[];
  targetPrefix?: string;
  jsonVersion?: string;
  signingName?: string;
  endpointPrefix?: string;
  xmlNamespace?: string;
  serviceId?: string;
  /** Set where a JSON/CBOR protocol must still answer with the query protocol's error codes (CloudWatch). */
  awsQueryCompatible?: boolean;
}

export interface ServiceModel {
  metadata: ModelMetadata;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}
