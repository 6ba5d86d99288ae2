// Two replicas' load balancer data planes over one store (each with its own cache and listener port, as two hosts
// would have): a request in flight through one replica's data plane holds the deregistration that the other replica
// (the leader, whose own data plane has nothing in flight) waits on, until it has finished; a replica that goes away
// holds nothing.
import { DescribeTargetHealthCommand, ModifyTargetGroupAttributesCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/store/types.js';
import { elbClient, forward, loadBalancer, targetGroup } from './elbv2Client.js';
import { backend, until, startElbWharf, type Backend, type ElbWharf } from './elbv2Harness.js';

let leader: ElbWharf;
let other: ElbWharf;
let elb: ElasticLoadBalancingV2Client;
let slow: Backend;
let tg: string;
let addr: string;
const live = ['leader', 'other'];
const leases: Lease[] = [];
let finishedAt = 0;

beforeAll(async () => {
  leader = await startElbWharf({ addressPool: '127.36.0.0/16', workers: 0, replica: { id: 'leader', leaseId: () => leases[0]?.id, live: () => live } });
  leases.push(await leader.store.grantLease(60), await leader.store.grantLease(60));
  other = await startElbWharf({ store: leader.store, workers: 0, replica: { id: 'other', leaseId: () => leases[1]?.id, live: () => live }, bindPort: (p) => p + 1 });
  elb = elbClient(leader);
  slow = await backend('127.0.0.9', 'S', (req, res) => {
    if (req.url !== '/slow') return false;
    setTimeout(() => {
      finishedAt = Date.now();
      res.end('slow done');
    }, 3000);
    return true;
  });
  tg = await targetGroup(elb, [slow]);
  await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }] }));
  ({ address: addr } = await loadBalancer(elb, forward(tg)));
  await until(async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions?.[0]?.TargetHealth?.State === 'healthy', 20_000, 250);
  // Both data planes serve the listener (the other one on port 81).
  await until(() => fetch(`http://${addr}:81/`).then((r) => r.ok, () => false), 20_000, 250);
}, 60_000);

afterAll(async () => {
  await other?.stop();
  await leader?.stop();
  await slow?.close();
});

describe('draining across replicas', () => {
  it('completes a deregistration only when the request in flight through the other replica has finished', async () => {
    const request = fetch(`http://${addr}:81/slow`).then((r) => r.text());
    await until(() => other.lb.plane.balancer.inflight.size > 0, 5000, 20);
    expect(leader.lb.plane.balancer.inflight.size).toBe(0);
    const t0 = Date.now();
    await leader.lb.deregisterTargets(tg, [{ Id: slow.host, Port: slow.port }]);
    const completedAt = Date.now();
    expect(await request).toBe('slow done');
    // Held by the other replica's request (the leader's own plane had nothing in flight), not by the 60 s delay.
    expect(completedAt).toBeGreaterThanOrEqual(finishedAt);
    expect(completedAt - t0).toBeLessThan(20_000);
    expect(leader.lb.targetHealth(tg, { Id: slow.host, Port: slow.port }).State).toBe('draining');
  }, 60_000);

  it('waits on no replica that has gone (its lease ended)', async () => {
    await leader.lb.registerTargets(tg, [{ Id: slow.host, Port: slow.port }]);
    await until(() => leader.lb.targetHealth(tg, { Id: slow.host, Port: slow.port }).State === 'healthy', 20_000, 250);
    const request = fetch(`http://${addr}:81/slow`).then((r) => r.text(), () => 'failed');
    await until(() => other.lb.plane.balancer.inflight.size > 0, 5000, 20);
    // The other replica dies: its lease ends and it leaves the live list.
    live.pop();
    await leases[1]!.revoke();
    const t0 = Date.now();
    await leader.lb.deregisterTargets(tg, [{ Id: slow.host, Port: slow.port }]);
    expect(Date.now() - t0).toBeLessThan(2500);
    await request;
  }, 60_000);
});
