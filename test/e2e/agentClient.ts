// A bare agent-channel client for tests of the control plane's side of docs/agent-protocol.md: connects as a
// given container instance, records what the control plane pushes, and can sign reports with the instance keys.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ECSClient } from '@aws-sdk/client-ecs';
import WebSocket from 'ws';
import { TEST_CREDENTIALS } from './harness.js';

export interface ChannelClient {
  messages: any[];
  payloads(): any[];
  credentials(): { accessKeyId: string; secretAccessKey: string } | undefined;
  /** An ECS client signing with this instance's own keys. */
  ecs(): ECSClient;
  send(msg: object): void;
  close(): Promise<void>;
}

export async function connectAgent(url: string, clusterArn: string, containerInstanceArn: string): Promise<ChannelClient> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: 'ecs', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });
  const req = new HttpRequest({
    method: 'GET',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: '/_wharf/acs',
    query: { clusterArn, containerInstanceArn, agentVersion: 'test', seqNum: '0' },
    headers: { host: u.host },
  });
  const signed = await signer.presign(req, { expiresIn: 300 });
  const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
  const ws = new WebSocket(`ws://${u.host}/_wharf/acs?${qs}`);
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('error', fail);
    ws.once('unexpected-response', (_r, res) => fail(new Error(`channel refused: ${res.statusCode}`)));
  });
  const credentials = () => messages.find((m) => m.type === 'InstanceCredentials');
  return {
    messages,
    payloads: () => messages.filter((m) => m.type === 'PayloadMessage'),
    credentials,
    ecs: () => {
      const c = credentials();
      return new ECSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, maxAttempts: 1 });
    },
    send: (msg) => ws.send(JSON.stringify(msg)),
    close: () =>
      new Promise((done) => {
        if (ws.readyState === ws.CLOSED) return done();
        ws.once('close', () => done());
        ws.close();
      }),
  };
}
