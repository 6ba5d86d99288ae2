// Inline policies of users and roles, managed policies, and attaching managed policies to users and roles.
import type * as T from '@aws-sdk/client-iam';
import { NoSuchEntity } from '../../domain/errors.js';
import type { Iam } from '../../identity/iam.js';
import { encodeDocument, page, presentPolicy } from './present.js';

type Holder = 'user' | 'role';

export function policyOperations(iam: Iam) {
  const inline = (kind: Holder, Name: 'UserName' | 'RoleName') => ({
    async put(input: Record<string, string>) {
      await iam.putInline(kind, input[Name]!, input.PolicyName!, input.PolicyDocument!);
      return {};
    },
    get(input: Record<string, string>) {
      const doc = iam.getInline(kind, input[Name]!, input.PolicyName!);
      return { [Name]: input[Name], PolicyName: input.PolicyName, PolicyDocument: encodeDocument(doc) };
    },
    async delete(input: Record<string, string>) {
      await iam.deleteInline(kind, input[Name]!, input.PolicyName!);
      return {};
    },
    list(input: Record<string, string> & { MaxItems?: number }) {
      const { items, ...rest } = page(iam.listInline(kind, input[Name]!), input.Marker, input.MaxItems);
      return { PolicyNames: items, ...rest };
    },
  });
  const attached = (kind: Holder, Name: 'UserName' | 'RoleName') => ({
    async attach(input: Record<string, string>) {
      await iam.attach(kind, input[Name]!, input.PolicyArn!);
      return {};
    },
    async detach(input: Record<string, string>) {
      await iam.detach(kind, input[Name]!, input.PolicyArn!);
      return {};
    },
    list(input: Record<string, string> & { MaxItems?: number }) {
      const prefix = input.PathPrefix ?? '/';
      const all = iam.attached(kind, input[Name]!).filter((p) => p.path.startsWith(prefix));
      const { items, ...rest } = page(all, input.Marker, input.MaxItems);
      return { AttachedPolicies: items.map((p) => ({ PolicyName: p.policyName, PolicyArn: p.arn })), ...rest };
    },
  });
  const user = inline('user', 'UserName');
  const role = inline('role', 'RoleName');
  const userAttached = attached('user', 'UserName');
  const roleAttached = attached('role', 'RoleName');
  return {
    PutUserPolicy: user.put,
    GetUserPolicy: user.get,
    DeleteUserPolicy: user.delete,
    ListUserPolicies: user.list,
    PutRolePolicy: role.put,
    GetRolePolicy: role.get,
    DeleteRolePolicy: role.delete,
    ListRolePolicies: role.list,
    AttachUserPolicy: userAttached.attach,
    DetachUserPolicy: userAttached.detach,
    ListAttachedUserPolicies: userAttached.list,
    AttachRolePolicy: roleAttached.attach,
    DetachRolePolicy: roleAttached.detach,
    ListAttachedRolePolicies: roleAttached.list,

    async CreatePolicy(input: T.CreatePolicyRequest): Promise<T.CreatePolicyResponse> {
      const rec = await iam.createPolicy({ name: input.PolicyName!, path: input.Path, document: input.PolicyDocument!, description: input.Description });
      return { Policy: presentPolicy(rec, 0) };
    },
    GetPolicy(input: T.GetPolicyRequest): T.GetPolicyResponse {
      const p = iam.policy(input.PolicyArn!);
      return { Policy: presentPolicy(p, iam.attachmentCount(p.arn)) };
    },
    GetPolicyVersion(input: T.GetPolicyVersionRequest): T.GetPolicyVersionResponse {
      const p = iam.policy(input.PolicyArn!);
      if (input.VersionId !== 'v1') {
        throw new NoSuchEntity(`Policy ${p.arn} version ${input.VersionId} does not exist or is not attachable.`);
      }
      return { PolicyVersion: { Document: encodeDocument(p.document), VersionId: 'v1', IsDefaultVersion: true, CreateDate: p.createDate } };
    },
    async DeletePolicy(input: T.DeletePolicyRequest): Promise<object> {
      await iam.deletePolicy(input.PolicyArn!);
      return {};
    },
    ListPolicies(input: T.ListPoliciesRequest): T.ListPoliciesResponse {
      // Wharf has no AWS managed policies: Scope AWS lists nothing.
      const prefix = input.PathPrefix ?? '/';
      let all = input.Scope === 'AWS' ? [] : iam.policies().filter((p) => p.path.startsWith(prefix));
      if (input.OnlyAttached) all = all.filter((p) => iam.attachmentCount(p.arn) > 0);
      const { items, ...rest } = page(all, input.Marker, input.MaxItems);
      return { Policies: items.map((p) => presentPolicy(p, iam.attachmentCount(p.arn))), ...rest };
    },
  };
}
