import { describe, expect, it } from 'vitest';
import { ChannelLogSink } from '../channel/shipping.js';
import { awslogsBufferLimit, dockerLogConfig, parseSize } from './logDrivers.js';

const withLog = (logDriver: string, options?: Record<string, string>) => ({ name: 'app', image: 'x', logConfiguration: { logDriver: logDriver as 'syslog', options } });

describe('log drivers', () => {
  it('passes Docker\'s drivers with their options and leaves awslogs to Wharf', () => {
    expect(dockerLogConfig(withLog('syslog', { tag: 't' }))).toEqual({ Type: 'syslog', Config: { tag: 't' } });
    expect(dockerLogConfig(withLog('json-file'))).toEqual({ Type: 'json-file', Config: {} });
    expect(dockerLogConfig(withLog('awslogs', { 'awslogs-group': 'g' }))).toBeUndefined();
    expect(dockerLogConfig({ name: 'app', image: 'x' })).toBeUndefined();
  });

  it('reads Docker\'s sizes', () => {
    expect([parseSize('25m'), parseSize('512k'), parseSize('1g'), parseSize('100'), parseSize('lots')]).toEqual([25 * 1024 ** 2, 512 * 1024, 1024 ** 3, 100, undefined]);
  });

  it('bounds awslogs output only in non-blocking mode (1m unless max-buffer-size says)', () => {
    expect(awslogsBufferLimit(withLog('awslogs', { mode: 'non-blocking', 'max-buffer-size': '25m' }))).toBe(25 * 1024 ** 2);
    expect(awslogsBufferLimit(withLog('awslogs', { mode: 'non-blocking' }))).toBe(1024 ** 2);
    expect(awslogsBufferLimit(withLog('awslogs', { mode: 'blocking' }))).toBeUndefined();
    expect(awslogsBufferLimit(withLog('syslog', { mode: 'non-blocking' }))).toBeUndefined();
  });

  it('drops the oldest unshipped lines of a full non-blocking buffer, and nothing in blocking mode', () => {
    const sent: { events: { message: string }[] }[] = [];
    const sink = new ChannelLogSink((m) => sent.push(m as never), 60_000, 1000);
    sink.limit('t', 'small', 10);
    for (const m of ['aaaa', 'bbbb', 'cccc', 'dddd']) {
      sink.write({ taskArn: 't', containerName: 'small', stream: 'stdout', timestamp: new Date(), message: m });
      sink.write({ taskArn: 't', containerName: 'big', stream: 'stdout', timestamp: new Date(), message: m });
    }
    sink.close();
    expect(sent.map((b) => b.events.map((e) => e.message))).toEqual([['cccc', 'dddd'], ['aaaa', 'bbbb', 'cccc', 'dddd']]);
    expect(sink.dropped.get('t|small')).toBe(2);
  });
});
