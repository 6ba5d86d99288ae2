// The STS API as the gateway serves it (query protocol, signing name `sts`): GetCallerIdentity for any caller, and
// AssumeRole, whose temporary keys then sign requests with their session token.
import type { AssumeRoleRequest, AssumeRoleResponse, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import { loadModel } from '../../gateway/model/index.js';
import type { RequestContext, ServiceDefinition } from '../../gateway/service.js';
import type { Sts } from '../../identity/sts.js';

export function stsService(sts: Sts): ServiceDefinition {
  return {
    signingName: 'sts',
    protocol: 'query',
    model: loadModel('sts'),
    validationErrorCode: 'ValidationError',
    maxBodyBytes: 64 * 1024,
    operations: {
      GetCallerIdentity(_input: object, ctx: RequestContext): GetCallerIdentityResponse {
        return { UserId: ctx.caller?.userId ?? ctx.accountId, Account: ctx.accountId, Arn: ctx.principalArn };
      },
      async AssumeRole(input: AssumeRoleRequest, ctx: RequestContext): Promise<AssumeRoleResponse> {
        const caller = ctx.caller ?? { kind: 'root', arn: ctx.principalArn, userId: ctx.accountId, accessKeyId: ctx.accessKeyId };
        const { session, secretAccessKey, sessionToken } = await sts.assumeRole(
          caller,
          { RoleArn: input.RoleArn!, RoleSessionName: input.RoleSessionName!, DurationSeconds: input.DurationSeconds },
          'query',
          ctx.region,
        );
        return {
          Credentials: { AccessKeyId: session.accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, Expiration: session.expiration },
          AssumedRoleUser: { AssumedRoleId: `${session.roleId}:${session.sessionName}`, Arn: sts.sessionArn(session) },
        };
      },
    },
  };
}
