// IAM roles: a trust policy (who may assume the role) and the identity policies its sessions get.
import type * as T from '@aws-sdk/client-iam';
import type { Iam } from '../../identity/iam.js';
import { page, presentRole } from './present.js';

export function roleOperations(iam: Iam) {
  return {
    async CreateRole(input: T.CreateRoleRequest): Promise<T.CreateRoleResponse> {
      const rec = await iam.createRole({
        name: input.RoleName!, path: input.Path, trust: input.AssumeRolePolicyDocument!,
        description: input.Description, maxSessionDuration: input.MaxSessionDuration,
      });
      return { Role: presentRole(rec) };
    },
    GetRole(input: T.GetRoleRequest): T.GetRoleResponse {
      return { Role: presentRole(iam.role(input.RoleName!)) };
    },
    ListRoles(input: T.ListRolesRequest): T.ListRolesResponse {
      const prefix = input.PathPrefix ?? '/';
      const { items, ...rest } = page(iam.roles().filter((r) => r.path.startsWith(prefix)), input.Marker, input.MaxItems);
      return { Roles: items.map((r) => presentRole(r)), ...rest };
    },
    async DeleteRole(input: T.DeleteRoleRequest): Promise<object> {
      await iam.deleteRole(input.RoleName!);
      return {};
    },
  };
}
