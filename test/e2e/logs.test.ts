// CloudWatch Logs through the Debian aws CLI and the JS SDK: groups and streams, PutLogEvents with its rejections,
// GetLogEvents both ways with tokens, FilterLogEvents patterns, `aws logs tail --follow`, retention that really
// expires events, the awslogs ingestion interface, and events that survive a restart.
import { spawn } from 'node:child_process';
import { FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startObsWharf, type ObsWharf } from './cloudwatchHarness.js';
import { AWS_CLI, TEST_CREDENTIALS } from './harness.js';

let w: ObsWharf;
beforeAll(async () => {
  w = await startObsWharf();
});
afterAll(() => w?.stop());

const events = (t0: number, msgs: string[]) => JSON.stringify(msgs.map((message, i) => ({ timestamp: t0 + i, message })));

describe('groups, streams and events', () => {
  it('creates, describes and refuses duplicates', async () => {
    await w.aws('logs', 'create-log-group', '--log-group-name', '/ecs/web');
    expect((await w.awsRaw(['logs', 'create-log-group', '--log-group-name', '/ecs/web'])).stderr).toContain('ResourceAlreadyExistsException');
    await w.aws('logs', 'create-log-stream', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1');
    const groups = await w.aws('logs', 'describe-log-groups', '--log-group-name-prefix', '/ecs/');
    expect(groups.logGroups[0]).toMatchObject({ logGroupName: '/ecs/web', arn: 'arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*' });
    expect((await w.awsRaw(['logs', 'create-log-stream', '--log-group-name', '/nope', '--log-stream-name', 's'])).stderr).toContain('ResourceNotFoundException');
  });

  it('puts events, reads them forward and backward with tokens, and rejects the out-of-window ones', async () => {
    const t0 = Date.now() - 10_000;
    const msgs = Array.from({ length: 25 }, (_, i) => `line ${i} ${i % 5 === 0 ? 'ERROR disk full' : 'INFO ok'}`);
    const put = await w.aws('logs', 'put-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1', '--log-events', events(t0, msgs));
    expect(put.nextSequenceToken).toMatch(/^\d+$/);
    const tail = await w.aws('logs', 'get-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1', '--limit', '10', '--no-paginate');
    expect(tail.events.map((e: any) => e.message)).toEqual(msgs.slice(15));
    const back = await w.aws('logs', 'get-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1', '--limit', '10', '--next-token', tail.nextBackwardToken, '--no-paginate');
    expect(back.events.map((e: any) => e.message)).toEqual(msgs.slice(5, 15));
    const head = await w.cwl.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/app/task1', startFromHead: true, limit: 20 }));
    expect(head.events?.map((e) => e.message)).toEqual(msgs.slice(0, 20));
    const rest = await w.cwl.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/app/task1', nextToken: head.nextForwardToken }));
    expect(rest.events?.map((e) => e.message)).toEqual(msgs.slice(20));
    const end = await w.cwl.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/app/task1', nextToken: rest.nextForwardToken }));
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(rest.nextForwardToken);
    const now = Date.now();
    const odd = await w.aws('logs', 'put-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1', '--log-events',
      JSON.stringify([{ timestamp: now - 15 * 86400_000, message: 'old' }, { timestamp: now, message: 'fine' }, { timestamp: now + 3 * 3600_000, message: 'future' }]));
    expect(odd.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });
    const unordered = await w.awsRaw(['logs', 'put-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1', '--log-events', JSON.stringify([{ timestamp: now, message: 'b' }, { timestamp: now - 5, message: 'a' }])]);
    expect(unordered.stderr).toContain('InvalidParameterException');
    const streams = await w.aws('logs', 'describe-log-streams', '--log-group-name', '/ecs/web', '--order-by', 'LastEventTime', '--descending');
    expect(streams.logStreams[0]).toMatchObject({ logStreamName: 'ecs/app/task1', firstEventTimestamp: t0, lastEventTimestamp: now });
  });

  it('filters with terms, quoted phrases, exclusions, JSON and space-delimited patterns', async () => {
    w.logs.ensureGroup('/ecs/api', true);
    expect(() => w.logs.ensureGroup('/ecs/missing', false)).toThrow(/does not exist/);
    const t = Date.now() - 5000;
    w.logs.appendContainerLog({ group: '/ecs/api', stream: 'api/app/t1', events: [
      { timestamp: t, message: '{"level":"error","ms":250,"user":{"id":7}}' },
      { timestamp: t + 1, message: '{"level":"info","ms":12,"user":{"id":8}}' },
      { timestamp: t + 2, message: '127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 404 2326' },
    ] });
    w.logs.appendContainerLog({ group: '/ecs/api', stream: 'api/app/t2', events: [
      { timestamp: t + 3, message: 'request failed: connection reset' },
      { timestamp: t + 4, message: 'request ok' },
    ] });
    const filter = async (p: string) =>
      (await w.aws('logs', 'filter-log-events', '--log-group-name', '/ecs/api', '--filter-pattern', p)).events.map((e: any) => e.message);
    expect(await filter('request')).toEqual(['request failed: connection reset', 'request ok']);
    expect(await filter('"connection reset"')).toEqual(['request failed: connection reset']);
    expect(await filter('request -failed')).toEqual(['request ok']);
    expect(await filter('?reset ?bob')).toHaveLength(2);
    expect(await filter('{ $.level = "error" && $.ms > 100 }')).toEqual(['{"level":"error","ms":250,"user":{"id":7}}']);
    expect(await filter('{ $.user.id = 8 || $.level = err* }')).toHaveLength(2);
    expect(await filter('[ip, id, user, ts, req, status = 4*, size > 1000]')).toHaveLength(1);
    const page = await w.cwl.send(new FilterLogEventsCommand({ logGroupName: '/ecs/api', limit: 2 }));
    expect(page.events).toHaveLength(2);
    expect(page.events?.[0]?.eventId).toBeTruthy();
    const page2 = await w.cwl.send(new FilterLogEventsCommand({ logGroupName: '/ecs/api', limit: 10, nextToken: page.nextToken }));
    expect(page2.events?.map((e) => e.logStreamName)).toEqual(['api/app/t1', 'api/app/t2', 'api/app/t2']);
    expect((await w.awsRaw(['logs', 'filter-log-events', '--log-group-name', '/ecs/api', '--filter-pattern', '{ $.a = '])).stderr).toContain('InvalidParameterException');
  });

  it('tails a group, and follows it as new lines arrive', async () => {
    const once = await w.awsRaw(['logs', 'tail', '/ecs/api', '--since', '1h']);
    expect(once.stdout).toContain('request ok');
    const child = spawn(AWS_CLI, ['logs', 'tail', '/ecs/api', '--follow', '--since', '1m', '--format', 'short', '--endpoint-url', w.url], {
      env: { PYTHONUNBUFFERED: '1', PATH: '/usr/bin:/bin', HOME: w.dataDir, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await eventually(() => out.includes('request ok'));
      w.logs.appendContainerLog({ group: '/ecs/api', stream: 'api/app/t3', events: [{ timestamp: Date.now(), message: 'a line that arrived later' }] });
      await eventually(() => out.includes('a line that arrived later'), 20_000);
      expect(out.split('request ok').length).toBe(2); // each event once
    } finally {
      child.kill();
    }
  });

  it('expires events past the retention and keeps the rest across a restart', async () => {
    await w.aws('logs', 'create-log-group', '--log-group-name', '/ecs/old');
    await w.aws('logs', 'create-log-stream', '--log-group-name', '/ecs/old', '--log-stream-name', 's');
    const now = Date.now();
    await w.aws('logs', 'put-log-events', '--log-group-name', '/ecs/old', '--log-stream-name', 's', '--log-events',
      JSON.stringify([{ timestamp: now - 3 * 86400_000, message: 'three days old' }]));
    await w.aws('logs', 'put-log-events', '--log-group-name', '/ecs/old', '--log-stream-name', 's', '--log-events', JSON.stringify([{ timestamp: now - 1000, message: 'fresh' }]));
    expect((await w.awsRaw(['logs', 'put-retention-policy', '--log-group-name', '/ecs/old', '--retention-in-days', '2'])).stderr).toContain('InvalidParameterException');
    await w.aws('logs', 'put-retention-policy', '--log-group-name', '/ecs/old', '--retention-in-days', '1');
    const left = await w.aws('logs', 'filter-log-events', '--log-group-name', '/ecs/old');
    expect(left.events.map((e: any) => e.message)).toEqual(['fresh']);
    expect((await w.aws('logs', 'describe-log-groups', '--log-group-name-prefix', '/ecs/old')).logGroups[0].retentionInDays).toBe(1);
    const dataDir = w.dataDir;
    await w.stop();
    w = await startObsWharf({ dataDir });
    const again = await w.aws('logs', 'get-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/app/task1', '--start-from-head', '--limit', '3', '--no-paginate');
    expect(again.events.map((e: any) => e.message)).toEqual(['line 0 ERROR disk full', 'line 1 INFO ok', 'line 2 INFO ok']);
    await w.aws('logs', 'delete-log-group', '--log-group-name', '/ecs/old');
    expect((await w.awsRaw(['logs', 'get-log-events', '--log-group-name', '/ecs/old', '--log-stream-name', 's'])).stderr).toContain('ResourceNotFoundException');
  });
});
