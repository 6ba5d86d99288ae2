// Cloud Map end to end: the `aws servicediscovery` CLI and the SDK against a real Wharf, and `dig` against its DNS
// server: A and SRV answers from healthy instances, NXDOMAIN with the SOA, custom health taking an instance out,
// truncation over UDP and the full answer over TCP, other names forwarded to an upstream the test runs on loopback,
// Cloud Map's error codes with nothing written on a refusal, and malformed queries that never stop the server.
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import {
  DiscoverInstancesCommand, DiscoverInstancesRevisionCommand, GetInstancesHealthStatusCommand, ListOperationsCommand,
  ListServicesCommand, ListTagsForResourceCommand, RegisterInstanceCommand, ServiceDiscoveryClient, TagResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, waitUntil, type Wharf } from './harness.js';
import { startTestUpstream, type TestUpstream } from './dnsUpstream.js';

const DNS_ADDRESS = '127.0.0.71';
const DNS_PORT = 45301 + Math.floor(Math.random() * 500);
let w: Wharf;
let upstream: TestUpstream;
let sd: ServiceDiscoveryClient;
let nsId: string;
let srvId: string;

function dig(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('dig', [`@${DNS_ADDRESS}`, '-p', String(DNS_PORT), '+time=2', '+tries=1', ...args], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}
const short = async (...args: string[]) => (await dig('+short', ...args)).trim().split('\n').filter(Boolean).sort();
const status = async (...args: string[]) => /status: (\w+)/.exec(await dig(...args))?.[1];
/** The error code of a CLI call that must fail. */
async function awsError(...args: string[]): Promise<string> {
  const r = await w.awsRaw(['servicediscovery', ...args]);
  expect(r.code).not.toBe(0);
  return /An error occurred \((\w+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
}
const cli = (...args: string[]) => w.aws('servicediscovery', ...args);

beforeAll(async () => {
  upstream = await startTestUpstream('127.0.0.72', '192.0.2.7');
  w = await startWharf({ args: ['--dns-address', `${DNS_ADDRESS}:${DNS_PORT}`, '--dns-upstream', `${upstream.address}:${upstream.port}`] });
  // DiscoverInstances is served on `data-` + the endpoint's host in AWS; with an endpoint URL the SDK is told not to.
  sd = new ServiceDiscoveryClient({ endpoint: w.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1, disableHostPrefix: true });
  const op = await cli('create-private-dns-namespace', '--name', 'corp.test', '--vpc', 'vpc-0abc');
  const got = await cli('get-operation', '--operation-id', op.OperationId);
  expect(got.Operation).toMatchObject({ Type: 'CREATE_NAMESPACE', Status: 'SUCCESS' });
  nsId = got.Operation.Targets.NAMESPACE;
  const svc = await cli('create-service', '--name', 'api', '--namespace-id', nsId,
    '--dns-config', 'RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=30},{Type=SRV,TTL=30}]', '--health-check-custom-config', 'FailureThreshold=1');
  srvId = svc.Service.Id;
  for (let i = 1; i <= 3; i++) {
    await cli('register-instance', '--service-id', srvId, '--instance-id', `task${i}`, '--attributes', `AWS_INSTANCE_IPV4=127.0.8.${i},AWS_INSTANCE_PORT=808${i},zone=z${i % 2}`);
  }
});

afterAll(async () => {
  sd?.destroy();
  await w?.stop();
  await upstream?.close();
});

describe('Cloud Map API', () => {
  it('shows namespaces and services as AWS does', async () => {
    expect(nsId).toMatch(/^ns-[a-z0-9]{16}$/);
    expect(srvId).toMatch(/^srv-[a-z0-9]{16}$/);
    const ns = (await cli('get-namespace', '--id', nsId)).Namespace;
    expect(ns).toMatchObject({
      Name: 'corp.test', Type: 'DNS_PRIVATE', ServiceCount: 1, Arn: `arn:aws:servicediscovery:us-east-1:000000000000:namespace/${nsId}`,
      Properties: { DnsProperties: { SOA: { TTL: 15 } }, HttpProperties: { HttpName: 'corp.test' } },
    });
    const svc = (await cli('get-service', '--id', srvId)).Service;
    expect(svc).toMatchObject({ Name: 'api', Type: 'DNS_HTTP', InstanceCount: 3, DnsConfig: { RoutingPolicy: 'MULTIVALUE' } });
    const listed = await cli('list-namespaces', '--filters', 'Name=TYPE,Values=DNS_PRIVATE,Condition=EQ');
    expect(listed.Namespaces.map((n: { Id: string }) => n.Id)).toEqual([nsId]);
    expect((await cli('list-namespaces', '--filters', 'Name=TYPE,Values=HTTP')).Namespaces).toEqual([]);
  });

  it('discovers instances through the SDK with attribute and health filters', async () => {
    const all = await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'corp.test', ServiceName: 'api' }));
    expect(all.Instances!.map((i) => i.InstanceId).sort()).toEqual(['task1', 'task2', 'task3']);
    expect(all.Instances![0]).toMatchObject({ NamespaceName: 'corp.test', ServiceName: 'api', HealthStatus: 'HEALTHY' });
    const z1 = await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'corp.test', ServiceName: 'api', QueryParameters: { zone: 'z1' } }));
    expect(z1.Instances!.map((i) => i.InstanceId).sort()).toEqual(['task1', 'task3']);
    const opt = await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'corp.test', ServiceName: 'api', QueryParameters: { zone: 'z1' }, OptionalParameters: { AWS_INSTANCE_PORT: '8083' } }));
    expect(opt.Instances!.map((i) => i.InstanceId)).toEqual(['task3']);
    const ignored = await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'corp.test', ServiceName: 'api', OptionalParameters: { zone: 'nowhere' }, MaxResults: 2 }));
    expect(ignored.Instances).toHaveLength(2);
    const rev = await sd.send(new DiscoverInstancesRevisionCommand({ NamespaceName: 'corp.test', ServiceName: 'api' }));
    expect(rev.InstancesRevision).toBe(all.InstancesRevision);
    expect(rev.InstancesRevision).toBe(3);
  });

  it('tags, list filters and operations', async () => {
    const arn = `arn:aws:servicediscovery:us-east-1:000000000000:service/${srvId}`;
    await sd.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'core' }] }));
    expect((await sd.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: 'team', Value: 'core' }]);
    const services = await sd.send(new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [nsId], Condition: 'EQ' }] }));
    expect(services.Services!.map((s) => s.Id)).toEqual([srvId]);
    const ops = await sd.send(new ListOperationsCommand({ Filters: [{ Name: 'TYPE', Values: ['REGISTER_INSTANCE'], Condition: 'EQ' }] }));
    expect(ops.Operations).toHaveLength(3);
    expect(ops.Operations!.every((o) => o.Status === 'SUCCESS')).toBe(true);
  });

  it('refuses bad input with Cloud Map codes and writes nothing', async () => {
    const before = (await cli('list-namespaces')).Namespaces.length;
    const opsBefore = (await cli('list-operations')).Operations.length;
    // Independent refusals, asked concurrently (each CLI call costs seconds on a busy machine).
    const refusals: [Promise<string>, string][] = [
      [awsError('create-private-dns-namespace', '--name', 'corp.test', '--vpc', 'vpc-1'), 'NamespaceAlreadyExists'],
      [awsError('create-private-dns-namespace', '--name', 'bad..name', '--vpc', 'vpc-1'), 'InvalidInput'],
      [awsError('create-service', '--name', 'api', '--namespace-id', nsId, '--dns-config', 'DnsRecords=[{Type=A,TTL=10}]'), 'ServiceAlreadyExists'],
      [awsError('create-service', '--name', 'c', '--namespace-id', nsId, '--dns-config', 'RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=CNAME,TTL=10}]'), 'InvalidInput'],
      [awsError('create-service', '--name', 'c', '--namespace-id', nsId, '--dns-config', 'DnsRecords=[{Type=A,TTL=2147483648}]'), 'InvalidInput'],
      [awsError('create-service', '--name', 'c', '--namespace-id', 'ns-doesnotexist0000', '--dns-config', 'DnsRecords=[{Type=A,TTL=10}]'), 'NamespaceNotFound'],
      [awsError('register-instance', '--service-id', srvId, '--instance-id', 'noport', '--attributes', 'AWS_INSTANCE_IPV4=127.0.8.9'), 'InvalidInput'],
      [awsError('register-instance', '--service-id', 'srv-doesnotexist000', '--instance-id', 'x', '--attributes', 'AWS_INSTANCE_IPV4=127.0.8.9'), 'ServiceNotFound'],
      [awsError('get-instance', '--service-id', srvId, '--instance-id', 'ghost'), 'InstanceNotFound'],
      [awsError('get-operation', '--operation-id', 'nope'), 'OperationNotFound'],
      [awsError('delete-namespace', '--id', nsId), 'ResourceInUse'],
      [awsError('delete-service', '--id', srvId), 'ResourceInUse'],
    ];
    for (const [got, code] of refusals) expect(await got).toBe(code);
    const plain = await cli('create-service', '--name', 'plain', '--namespace-id', nsId, '--dns-config', 'DnsRecords=[{Type=A,TTL=10}]');
    expect(await awsError('update-instance-custom-health-status', '--service-id', plain.Service.Id, '--instance-id', 'x', '--status', 'HEALTHY')).toBe('CustomHealthNotFound');
    await cli('delete-service', '--id', plain.Service.Id);
    expect((await cli('list-namespaces')).Namespaces.length).toBe(before);
    expect((await cli('list-operations')).Operations.length).toBe(opsBefore);
    expect((await cli('get-service', '--id', srvId)).Service.InstanceCount).toBe(3);
  }, 180_000);
});

describe('DNS', () => {
  it('answers A and SRV records from the instances, with the TTL of the service', async () => {
    expect(await short('api.corp.test', 'A')).toEqual(['127.0.8.1', '127.0.8.2', '127.0.8.3']);
    expect(await short('api.corp.test', 'SRV')).toEqual(['1 1 8081 task1.api.corp.test.', '1 1 8082 task2.api.corp.test.', '1 1 8083 task3.api.corp.test.']);
    expect(await short('task2.api.corp.test', 'A')).toEqual(['127.0.8.2']);
    expect(await dig('api.corp.test', 'A', '+noall', '+answer')).toMatch(/api\.corp\.test\.\s+30\s+IN\s+A/);
  });

  it('answers NXDOMAIN with the SOA for names that do not exist in a namespace', async () => {
    const out = await dig('nothing.corp.test', 'A');
    expect(out).toMatch(/status: NXDOMAIN/);
    expect(out).toMatch(/flags: qr aa/);
    expect(out).toMatch(/AUTHORITY SECTION:\ncorp\.test\.\s+15\s+IN\s+SOA/);
  });

  it('takes an unhealthy instance out of the answers and brings it back', async () => {
    await cli('update-instance-custom-health-status', '--service-id', srvId, '--instance-id', 'task2', '--status', 'UNHEALTHY');
    await waitUntil(() => short('api.corp.test', 'A'), (a) => a.join() === '127.0.8.1,127.0.8.3');
    expect(await short('api.corp.test', 'SRV')).toHaveLength(2);
    const health = await sd.send(new GetInstancesHealthStatusCommand({ ServiceId: srvId }));
    expect(health.Status).toEqual({ task1: 'HEALTHY', task2: 'UNHEALTHY', task3: 'HEALTHY' });
    await cli('update-instance-custom-health-status', '--service-id', srvId, '--instance-id', 'task2', '--status', 'HEALTHY');
    await waitUntil(() => short('api.corp.test', 'A'), (a) => a.length === 3);
  });

  it('answers at most eight records, and a large answer is truncated over UDP and whole over TCP', async () => {
    const ns = 'a-rather-long-namespace-name-for-truncation-tests.example';
    await cli('create-public-dns-namespace', '--name', ns);
    const nsBig = (await cli('list-namespaces', '--filters', `Name=NAME,Values=${ns}`)).Namespaces[0].Id;
    const big = await cli('create-service', '--name', 'big', '--namespace-id', nsBig, '--dns-config', 'DnsRecords=[{Type=A,TTL=5},{Type=SRV,TTL=5}]');
    await Promise.all(Array.from({ length: 10 }, (_, i) => sd.send(new RegisterInstanceCommand({
      ServiceId: big.Service.Id, InstanceId: `instance-with-a-long-identifier-${String(i + 1).padStart(2, '0')}`,
      Attributes: { AWS_INSTANCE_IPV4: `127.0.7.${i + 1}`, AWS_INSTANCE_PORT: '9000' },
    }))));
    expect(await short(`big.${ns}`, 'A')).toHaveLength(8);
    const udp = await dig(`big.${ns}`, 'SRV', '+noedns', '+ignore');
    expect(udp).toMatch(/flags: qr aa tc/);
    const tcp = await dig(`big.${ns}`, 'SRV', '+tcp');
    expect(tcp).not.toMatch(/flags: qr aa tc/);
    expect((await short(`big.${ns}`, 'SRV', '+tcp'))).toHaveLength(8);
  });

  it('forwards other names to the upstream resolver, over UDP and TCP', async () => {
    expect(await short('www.outside.example', 'A')).toEqual(['192.0.2.7']);
    expect(await short('tcp.outside.example', 'A', '+tcp')).toEqual(['192.0.2.7']);
    expect(upstream.asked).toEqual(expect.arrayContaining(['www.outside.example', 'tcp.outside.example']));
    expect(upstream.asked.some((n) => n.endsWith('corp.test'))).toBe(false);
  });

  it('answers malformed queries with FORMERR or not at all, and keeps serving', async () => {
    const sock = dgram.createSocket('udp4');
    const replies: Buffer[] = [];
    sock.on('message', (m) => replies.push(m));
    const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
    const sends = [Buffer.from('x'), Buffer.concat([header, Buffer.from([70, 1, 2])]), Buffer.concat([header, Buffer.alloc(5000, 65)]), Buffer.from([0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0])];
    for (const b of sends) sock.send(b, DNS_PORT, DNS_ADDRESS);
    await waitUntil(async () => replies.length, (n) => n >= 1, 5000);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.readUInt16BE(0)).toBe(0x1234);
    expect(replies[0]!.readUInt16BE(2) & 0xf).toBe(1); // FORMERR
    sock.close();
    expect(await status('api.corp.test', 'A')).toBe('NOERROR');
  });
});
