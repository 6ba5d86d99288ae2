// How IAM shows its entities: the one place records become User, Role, Policy and AccessKey shapes. Policy documents
// go out URL-encoded, as IAM sends them (the CLI decodes them; SDK callers call decodeURIComponent).
import type { AccessKeyMetadata, Policy, Role, User } from '@aws-sdk/client-iam';
import type { AccessKeyRecord, ManagedPolicyRecord, RoleRecord, UserRecord } from '../../identity/tables.js';

export const encodeDocument = (doc: string) => encodeURIComponent(doc);

export function presentUser(u: UserRecord): User {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: u.createDate };
}

export function presentRole(r: RoleRecord, withTrust = true): Role {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: r.createDate,
    AssumeRolePolicyDocument: withTrust ? encodeDocument(r.assumeRolePolicyDocument) : undefined,
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
  };
}

export function presentPolicy(p: ManagedPolicyRecord, attachmentCount: number): Policy {
  return {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: 'v1',
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: p.createDate,
    UpdateDate: p.updateDate,
  };
}

export function presentKey(k: AccessKeyRecord): AccessKeyMetadata {
  return { UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createDate };
}

/** IAM paging: MaxItems (1-1000, default 100) and an opaque Marker; IsTruncated tells whether more follow. */
export function page<T>(items: T[], marker: string | undefined, maxItems: number | undefined): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString()) || 0 : 0;
  const size = maxItems ?? 100;
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return more ? { items: slice, IsTruncated: true, Marker: Buffer.from(String(start + size)).toString('base64url') } : { items: slice, IsTruncated: false };
}
