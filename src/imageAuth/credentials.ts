// Registry credentials in Docker's auth-config shape: what the agent (which pulls) and the registry (which issues
// them) share. A remote agent decodes ECR GetAuthorizationToken's answer here and caches one credential per registry
// host. Imports nothing, so the agent reaches it without reaching server code.

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

  /** The registry refused the password held for the image's host: the next pull asks for a new one. */
  forget(image: string): void {
    const host = registryHostOf(image);
    if (host) this.byHost.delete(host);
  }
}
