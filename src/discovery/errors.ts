// Cloud Map's own error codes (no `Exception` suffix, unlike ECS's), as AwsErrors the gateway encodes like any other.
// They live beside the discovery domain rather than in domain/errors.ts because ECS names two of them differently
// (ServiceNotFoundException, ResourceInUseException): one name per code per API, kept with the API that uses it.
import { AwsError } from '../domain/errors.js';

function kind(code: string) {
  return class extends AwsError {
    static readonly code = code;
    constructor(message: string) {
      super(code, message, 400);
    }
  };
}

export const InvalidInput = kind('InvalidInput');
export const NamespaceAlreadyExists = kind('NamespaceAlreadyExists');
export const NamespaceNotFound = kind('NamespaceNotFound');
export const ServiceAlreadyExists = kind('ServiceAlreadyExists');
export const ServiceNotFound = kind('ServiceNotFound');
export const InstanceNotFound = kind('InstanceNotFound');
export const OperationNotFound = kind('OperationNotFound');
export const CustomHealthNotFound = kind('CustomHealthNotFound');
export const ResourceInUse = kind('ResourceInUse');
export const ResourceLimitExceeded = kind('ResourceLimitExceeded');
export const ResourceNotFound = kind('ResourceNotFoundException');
export const TooManyTags = kind('TooManyTagsException');

/** Every Cloud Map code Wharf answers with. */
export const DISCOVERY_ERROR_CODES: readonly string[] = [
  InvalidInput, NamespaceAlreadyExists, NamespaceNotFound, ServiceAlreadyExists, ServiceNotFound, InstanceNotFound,
  OperationNotFound, CustomHealthNotFound, ResourceInUse, ResourceLimitExceeded, ResourceNotFound, TooManyTags,
].map((k) => k.code);
