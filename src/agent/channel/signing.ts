// SigV4 for the agent's side of the channel: the presigned WebSocket URL (docs/agent-protocol.md §2).
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AgentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256 = Hash.bind(null, 'sha256');

/** `endpoint` (ws:// or wss://) with the query and a SigV4 signature for service `ecs`, valid for 5 minutes. */
export async function presignChannelUrl(
  endpoint: string,
  query: Record<string, string>,
  creds: AgentCredentials,
  region: string,
): Promise<string> {
  const u = new URL(endpoint);
  const signer = new SignatureV4({ service: 'ecs', region, credentials: creds, sha256 });
  const req = new HttpRequest({
    method: 'GET',
    protocol: u.protocol === 'wss:' ? 'https:' : 'http:',
    hostname: u.hostname,
    port: u.port ? Number(u.port) : undefined,
    path: u.pathname,
    query,
    headers: { host: u.host },
  });
  const signed = await signer.presign(req, { expiresIn: 300 });
  const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
  return `${u.protocol}//${u.host}${u.pathname}?${qs}`;
}
