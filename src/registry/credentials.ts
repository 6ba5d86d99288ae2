// How an agent gets registry credentials for itself, as the ECS agent does with the execution role: the embedded
// agent asks the Registry in process (here); a remote agent calls ECR GetAuthorizationToken (signed with its own
// keys) and decodes the answer with imageAuth/credentials.ts. Either way the result is Docker's auth config, to pass
// to the image pull, cached until an hour before it expires.
import type { Registry } from './core.js';
import { issuePassword } from './auth.js';
import { registryHostOf, type RegistryAuth } from '../imageAuth/credentials.js';

export { credentialsFromAuthorizationData, RegistryCredentialCache, registryHostOf, type RegistryAuth } from '../imageAuth/credentials.js';

/** In process: credentials for pulling `image` when it lives in this registry (as the holder of `accessKeyId`). */
export async function registryCredentialsFor(reg: Registry, image: string, accessKeyId: string): Promise<RegistryAuth | undefined> {
  const host = reg.opts.publicHost();
  if (registryHostOf(image) !== host) return undefined;
  const { password, expiresAt } = await issuePassword(reg, accessKeyId);
  return { username: 'AWS', password, serveraddress: host, expiresAt };
}
