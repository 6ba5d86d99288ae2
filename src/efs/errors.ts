// EFS's own error codes (no `Exception` suffix, and an ErrorCode member in the body, which the REST-JSON encoder
// writes), beside the EFS domain as Cloud Map's are beside discovery: one name per code per API.
import { AwsError } from '../domain/errors.js';

/** An EFS error; `fields` are further members of its exception shape (FileSystemId, AccessPointId). */
export class EfsError extends AwsError {
  constructor(code: string, message: string, status: number, readonly fields: Record<string, string> = {}) {
    super(code, message, status);
  }
}

const kind = (code: string, status: number) =>
  class extends EfsError {
    static readonly code = code;
    constructor(message: string, fields: Record<string, string> = {}) {
      super(code, message, status, fields);
    }
  };

export const BadRequest = kind('BadRequest', 400);
export const FileSystemNotFound = kind('FileSystemNotFound', 404);
export const FileSystemAlreadyExists = kind('FileSystemAlreadyExists', 409);
export const FileSystemInUse = kind('FileSystemInUse', 409);
export const MountTargetNotFound = kind('MountTargetNotFound', 404);
export const MountTargetConflict = kind('MountTargetConflict', 409);
export const AccessPointNotFound = kind('AccessPointNotFound', 404);
export const AccessPointAlreadyExists = kind('AccessPointAlreadyExists', 409);
export const PolicyNotFound = kind('PolicyNotFound', 404);

/** Every EFS code Wharf answers with. */
export const EFS_ERROR_CODES: readonly string[] = [
  BadRequest, FileSystemNotFound, FileSystemAlreadyExists, FileSystemInUse, MountTargetNotFound, MountTargetConflict,
  AccessPointNotFound, AccessPointAlreadyExists, PolicyNotFound,
].map((k) => k.code);
