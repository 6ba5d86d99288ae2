// IAM users and their access keys. The secret access key is in CreateAccessKey's answer only; the store holds it sealed.
import type * as T from '@aws-sdk/client-iam';
import { IamValidationError } from '../../domain/errors.js';
import type { Iam } from '../../identity/iam.js';
import { page, presentKey, presentUser } from './present.js';

export function userOperations(iam: Iam) {
  return {
    async CreateUser(input: T.CreateUserRequest): Promise<T.CreateUserResponse> {
      return { User: presentUser(await iam.createUser(input.UserName!, input.Path)) };
    },
    GetUser(input: T.GetUserRequest, ctx: { principalArn: string }): T.GetUserResponse {
      // Without UserName, the caller itself (a user's own key).
      return { User: presentUser(iam.user(input.UserName ?? selfName(ctx))) };
    },
    ListUsers(input: T.ListUsersRequest): T.ListUsersResponse {
      const prefix = input.PathPrefix ?? '/';
      const { items, ...rest } = page(iam.users().filter((u) => u.path.startsWith(prefix)), input.Marker, input.MaxItems);
      return { Users: items.map(presentUser), ...rest };
    },
    async DeleteUser(input: T.DeleteUserRequest): Promise<object> {
      await iam.deleteUser(input.UserName!);
      return {};
    },
    async CreateAccessKey(input: T.CreateAccessKeyRequest, ctx: { principalArn: string }): Promise<T.CreateAccessKeyResponse> {
      const { rec, secret } = await iam.createAccessKey(input.UserName ?? selfName(ctx));
      return { AccessKey: { ...presentKey(rec), UserName: rec.userName, SecretAccessKey: secret } as T.AccessKey };
    },
    async DeleteAccessKey(input: T.DeleteAccessKeyRequest, ctx: { principalArn: string }): Promise<object> {
      await iam.deleteAccessKey(input.UserName ?? selfName(ctx), input.AccessKeyId!);
      return {};
    },
    async UpdateAccessKey(input: T.UpdateAccessKeyRequest, ctx: { principalArn: string }): Promise<object> {
      await iam.updateAccessKey(input.UserName ?? selfName(ctx), input.AccessKeyId!, input.Status as 'Active' | 'Inactive');
      return {};
    },
    ListAccessKeys(input: T.ListAccessKeysRequest, ctx: { principalArn: string }): T.ListAccessKeysResponse {
      const { items, ...rest } = page(iam.accessKeys(input.UserName ?? selfName(ctx)), input.Marker, input.MaxItems);
      return { AccessKeyMetadata: items.map(presentKey), ...rest };
    },
  };
}

/** The calling user's own name, for operations whose UserName defaults to the caller. */
function selfName(ctx: { principalArn: string }): string {
  const name = ctx.principalArn.match(/:user\/(?:.*\/)?([^/]+)$/)?.[1];
  if (name === undefined) throw new IamValidationError('Must specify userName when calling with non-User credentials');
  return name;
}
