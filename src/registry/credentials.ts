// How an agent gets registry credentials for itself, as the ECS agent does with the execution role: the embedded
// agent asks the Registry in process; a remote agent calls ECR GetAuthorizationToken (signed with its own keys) and
// decodes the answer here. Either way the result is Docker's auth config, to pass to the image pull, cached until an
// hour before it expires.
import type { Registry } from './core.js';
import { issuePassword } from './auth.js';

export interface RegistryAuth {
  username: string;
  password: string;
  /** `host:port` of the registry, as Docker's auth config names it. */
  serveraddress: string;
  expiresAt: Date;
}

/** The registry host of an image reference (`127.0.0.1:4510/web:1` → `127.0.0.1:4510`), undefined for Docker Hub. */
export function registryHostOf(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** In process: credentials for pulling `image` when it lives in this registry, else undefined. */
export async function registryCredentialsFor(reg: Registry, image: string): Promise<RegistryAuth | undefined> {
  const host = reg.opts.publicHost();
  if (registryHostOf(image) !== host) return undefined;
  const { password, expiresAt } = await issuePassword(reg);
  return { username: 'AWS', password, serveraddress: host, expiresAt };
}

/** A remote agent: decodes one entry of GetAuthorizationToken's authorizationData. */
export function credentialsFromAuthorizationData(data: {
  authorizationToken?: string;
  proxyEndpoint?: string;
  expiresAt?: Date | string;
}): RegistryAuth {
  const decoded = Buffer.from(data.authorizationToken ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new Error('authorizationToken is not base64 of user:password');
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    serveraddress: (data.proxyEndpoint ?? '').replace(/^https?:\/\//, ''),
    expiresAt: new Date(data.expiresAt ?? 0),
  };
}

/** Keeps one credential per registry host, fetching a new one when less than an hour is left. */
export class RegistryCredentialCache {
  private readonly byHost = new Map<string, RegistryAuth>();

  constructor(
    private readonly fetch: (host: string) => Promise<RegistryAuth | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  async forImage(image: string): Promise<RegistryAuth | undefined> {
    const host = registryHostOf(image);
    if (!host) return undefined;
    const cached = this.byHost.get(host);
    if (cached && cached.expiresAt.getTime() - this.now() > 3600_000) return cached;
    const fresh = await this.fetch(host);
    if (fresh) this.byHost.set(host, fresh);
    return fresh;
  }
}
