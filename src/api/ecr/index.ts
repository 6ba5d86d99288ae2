// The ECR API as the gateway serves it: JSON 1.1 under AmazonEC2ContainerRegistry_V20150921, signing name `ecr`,
// over the same Registry object the /v2/ routes use.
import type { GetAuthorizationTokenResponse } from '@aws-sdk/client-ecr';
import { loadModel } from '../../gateway/model/index.js';
import type { RequestContext, ServiceDefinition } from '../../gateway/service.js';
import { issuePassword } from '../../registry/auth.js';
import type { Registry } from '../../registry/core.js';
import { imageOperations } from './images.js';
import { layerOperations } from './layers.js';
import { lifecycleOperations } from './lifecycle.js';
import { repositoryOperations } from './repositories.js';
import { tagAndPolicyOperations } from './tags.js';

export function ecrService(reg: Registry): ServiceDefinition {
  return {
    signingName: 'ecr',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    model: loadModel('ecr'),
    validationErrorCode: 'InvalidParameterException',
    // UploadLayerPart carries up to 20 MiB as base64; the gateway reads at most 16 MiB before the service is known.
    maxBodyBytes: 16 * 1024 * 1024,
    operations: {
      ...repositoryOperations(reg),
      ...imageOperations(reg),
      ...layerOperations(reg),
      ...lifecycleOperations(reg),
      ...tagAndPolicyOperations(reg),
      // The password names the caller's key: /v2/ allows it what that key's holder may do (registry/auth.ts).
      async GetAuthorizationToken(_input: unknown, ctx: RequestContext): Promise<GetAuthorizationTokenResponse> {
        const { password, expiresAt } = await issuePassword(reg, ctx.accessKeyId);
        return {
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
              expiresAt,
              proxyEndpoint: `http://${reg.opts.publicHost()}`,
            },
          ],
        };
      },
    },
  };
}
