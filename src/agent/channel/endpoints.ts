// The control plane replicas an agent may talk to (`--endpoint URL,URL`): one is current; when it stops answering
// (the channel drops and DiscoverPollEndpoint fails there) the next one is. Every client of the agent reads the
// current one per request, so all of them move together.

/** The endpoint shape the AWS SDK clients take from a provider. */
export interface SdkEndpoint {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
}

export class Endpoints {
  private i = 0;
  readonly urls: string[];

  constructor(list: string, private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {}) {
    this.urls = list.split(',').map((u) => u.trim()).filter(Boolean);
    if (this.urls.length === 0) throw new Error('--endpoint names no control plane URL');
    for (const u of this.urls) new URL(u);
  }

  get current(): string {
    return this.urls[this.i]!;
  }

  /** `url` did not answer: move to the next one, unless another caller already moved on from it. */
  failed(url: string): void {
    if (url !== this.current || this.urls.length < 2) return;
    this.i = (this.i + 1) % this.urls.length;
    this.log('control plane endpoint did not answer; trying the next', { failed: url, next: this.current });
  }

  /** For the AWS SDK clients' `endpoint`: read on every request. */
  readonly provider = async (): Promise<SdkEndpoint> => {
    const u = new URL(this.current);
    return { protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined, path: u.pathname };
  };
}
