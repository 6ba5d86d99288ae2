import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnswerCache, REFRESH_EVERY, VARIANTS } from './answerCache.js';
import { cachedResponder, respond, startDnsServer } from './server.js';
import { parseResolvConf } from './upstream.js';
import type { Zone } from './zone.js';

const zone: Zone = {
  answer(name, type, qname) {
    if (!name.endsWith('zone.test')) return undefined;
    if (name === 'many.zone.test') {
      return { rcode: 'NOERROR', answers: Array.from({ length: 60 }, (_, i) => ({ name: qname, type: 'A', class: 'IN', ttl: 5, data: `127.0.9.${i}` })) };
    }
    if (name === 'srv.zone.test') {
      return {
        rcode: 'NOERROR',
        answers: [{ name: qname, type: 'SRV', class: 'IN', ttl: 7, data: { priority: 1, weight: 1, port: 80, target: 'i1.srv.zone.test' } }],
        additionals: [{ name: 'i1.srv.zone.test', type: 'AAAA', class: 'IN', ttl: 7, data: '2001:db8::1' }],
      };
    }
    return { rcode: 'NXDOMAIN', answers: [], authorities: [{ name: 'zone.test', type: 'SOA', class: 'IN', ttl: 15, data: { mname: 'ns.zone.test', rname: 'host.zone.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }] };
  },
};
const query = (name: string, type: string, extra: Partial<dnsPacket.Packet> = {}) =>
  dnsPacket.encode({ id: 4242, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A', class: 'IN' }], ...extra });
const reply = (msg: Buffer, max: number | 'tcp' = 4096) => {
  const out = respond(msg, [zone], max === 'tcp' ? undefined : max);
  if (!('reply' in out)) throw new Error(`no reply: ${JSON.stringify(out)}`);
  // dns-packet's types leave out rcode, which decode does set.
  return dnsPacket.decode(out.reply) as dnsPacket.DecodedPacket & { rcode?: string };
};

describe('respond', () => {
  it('writes answers that dns-packet reads back, question as asked', () => {
    const r = reply(query('SRV.Zone.Test', 'SRV'));
    expect(r.id).toBe(4242);
    expect(r.flag_aa).toBe(true);
    expect(r.flag_rd).toBe(true);
    expect(r.questions).toEqual([{ name: 'SRV.Zone.Test', type: 'SRV', class: 'IN' }]);
    expect(r.answers).toEqual([{ name: 'SRV.Zone.Test', type: 'SRV', class: 'IN', ttl: 7, flush: false, data: { priority: 1, weight: 1, port: 80, target: 'i1.srv.zone.test' } }]);
    expect(r.additionals).toMatchObject([{ name: 'i1.srv.zone.test', type: 'AAAA', data: '2001:db8::1' }]);
  });

  it('answers NXDOMAIN with the SOA in authority', () => {
    const r = reply(query('nope.zone.test', 'A'));
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.authorities).toMatchObject([{ type: 'SOA', data: { mname: 'ns.zone.test', minimum: 5 } }]);
  });

  it('truncates a UDP answer over 512 bytes (or the EDNS size) and not a TCP one', () => {
    const udp = reply(query('many.zone.test', 'A'));
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    const edns = reply(query('many.zone.test', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as never] }));
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(60);
    expect(reply(query('many.zone.test', 'A'), 'tcp').answers).toHaveLength(60);
  });

  it('forwards names outside the zones, drops answers and runts, FORMERRs what it cannot read', () => {
    expect(respond(query('example.org', 'A'), [zone], 4096)).toEqual({ forward: true });
    const answer = Buffer.from(query('a.zone.test', 'A'));
    answer[2]! |= 0x80;
    expect(respond(answer, [zone], 4096)).toEqual({ drop: true });
    expect(respond(Buffer.from([1, 2, 3]), [zone], 4096)).toEqual({ drop: true });
    const bad = Buffer.concat([query('a.zone.test', 'A').subarray(0, 14)]);
    expect(reply(bad).rcode).toBe('FORMERR');
    const notify = Buffer.from(query('a.zone.test', 'A'));
    notify[2] = (notify[2]! & 0x87) | (4 << 3);
    expect(reply(notify).rcode).toBe('NOTIMP');
  });

  it('never throws on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      respond(Buffer.from(bytes), [zone], 512);
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(30), (noise, at) => {
      const q = Buffer.from(query('srv.zone.test', 'SRV'));
      Buffer.from(noise).copy(q, Math.min(at, q.length - 1));
      respond(q, [zone], 512);
    }), { numRuns: 3000 });
  });
});

describe('resolv.conf', () => {
  it('reads the nameservers', () => {
    expect(parseResolvConf('# x\nsearch lan\nnameserver 127.0.9.2\nnameserver fe80::1%eth0\nnameserver bogus\n')).toEqual([
      { address: '127.0.9.2', port: 53 }, { address: 'fe80::1', port: 53 },
    ]);
  });
});

describe('kept answers', () => {
  const counting = () => {
    let calls = 0;
    let order = 0;
    const z: Zone = {
      prefixes: ['t/'],
      answer(name, type, qname) {
        if (!name.endsWith('zone.test')) return undefined;
        calls++;
        // Each build answers a different order, as a shuffle does.
        const first = order++ % 4;
        return { rcode: 'NOERROR', answers: [0, 1, 2, 3].map((i) => ({ name: qname, type: 'A', class: 'IN', ttl: 5, data: `127.0.9.${(first + i) % 4}` })) };
      },
    };
    return { z, calls: () => calls };
  };
  const decode = (out: ReturnType<ReturnType<typeof cachedResponder>>) => {
    if (!Buffer.isBuffer(out)) throw new Error(`no reply: ${String(out)}`);
    return dnsPacket.decode(out) as dnsPacket.DecodedPacket;
  };

  it('answers a repeated question from kept answers with its own id and RD bit, in turn from several orders', () => {
    const { z, calls } = counting();
    const answer = cachedResponder([z], new AnswerCache());
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const r = decode(answer(dnsPacket.encode({ id: i, type: 'query', flags: i % 2 ? dnsPacket.RECURSION_DESIRED : 0, questions: [{ name: 'a.zone.test', type: 'A', class: 'IN' }] }), 4096));
      expect(r.id).toBe(i);
      expect(r.flag_rd).toBe(i % 2 === 1);
      expect(r.flag_aa).toBe(true);
      expect(r.answers).toHaveLength(4);
      firsts.add((r.answers![0] as { data: string }).data);
    }
    // VARIANTS builds, then one refresh every REFRESH_EVERY uses.
    expect(calls()).toBeLessThanOrEqual(VARIANTS + Math.ceil(200 / REFRESH_EVERY));
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('keeps the question as the client wrote it, and EDNS answers apart from plain ones', () => {
    const { z } = counting();
    const answer = cachedResponder([z], new AnswerCache());
    for (let i = 0; i < 20; i++) {
      expect(decode(answer(query('A.Zone.Test', 'A'), 4096)).questions).toEqual([{ name: 'A.Zone.Test', type: 'A', class: 'IN' }]);
      expect(decode(answer(query('a.zone.test', 'A'), 4096)).questions).toEqual([{ name: 'a.zone.test', type: 'A', class: 'IN' }]);
      const edns = decode(answer(query('a.zone.test', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as never] }), 4096));
      expect(edns.additionals).toMatchObject([{ type: 'OPT' }]);
      expect(decode(answer(query('a.zone.test', 'A'), 4096)).additionals).toEqual([]);
    }
  });

  it('builds afresh after the cache is cleared, forwards and FORMERRs as respond does', () => {
    const { z, calls } = counting();
    const cache = new AnswerCache();
    const answer = cachedResponder([z], cache);
    for (let i = 0; i < VARIANTS; i++) answer(query('a.zone.test', 'A'), 4096);
    const before = calls();
    cache.clear();
    answer(query('a.zone.test', 'A'), 4096);
    expect(calls()).toBe(before + 1);
    expect(answer(query('example.org', 'A'), 4096)).toBe(1); // FORWARD
    expect(answer(query('example.org', 'A'), 4096)).toBe(1);
    const bad = Buffer.from(query('a.zone.test', 'A').subarray(0, 14));
    expect(dnsPacket.decode(answer(bad, 4096) as Buffer) as { rcode?: string }).toMatchObject({ rcode: 'FORMERR' });
    const asAnswer = Buffer.from(query('a.zone.test', 'A'));
    asAnswer[2]! |= 0x80;
    expect(answer(asAnswer, 4096)).toBe(0); // DROP
  });

  it('never throws on any bytes, and answers what respond answers', () => {
    const answer = cachedResponder([zone], new AnswerCache());
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(30), (noise, at) => {
      const q = Buffer.from(query('srv.zone.test', 'SRV'));
      Buffer.from(noise).copy(q, Math.min(at, q.length - 1));
      const plain = respond(Buffer.from(q), [zone], 512);
      const kept = answer(Buffer.from(q), 512);
      if ('reply' in plain) expect(Buffer.isBuffer(kept) && kept.equals(plain.reply)).toBe(true);
      else expect(kept).toBe('forward' in plain ? 1 : 0);
    }), { numRuns: 3000 });
  });
});

describe('startDnsServer', () => {
  it('drops kept answers when a key under a zone prefix changes, and only then', async () => {
    let data = '127.0.9.1';
    const listeners = new Set<(keys: readonly string[]) => void>();
    const z: Zone = { prefixes: ['t/'], answer: (name, _type, qname) => (name === 'a.zone.test' ? { rcode: 'NOERROR', answers: [{ name: qname, type: 'A', class: 'IN', ttl: 5, data }] } : undefined) };
    const server = await startDnsServer({
      address: '127.0.0.1', port: 0, zones: [z], logger: pino({ level: 'silent' }),
      changes: { onChange: (l) => (listeners.add(l), () => listeners.delete(l)) },
    });
    const socket = dgram.createSocket('udp4');
    const ask = () => new Promise<string>((resolve) => {
      socket.once('message', (m) => resolve((dnsPacket.decode(m).answers![0] as { data: string }).data));
      socket.send(query('a.zone.test', 'A'), server.port, server.address);
    });
    try {
      for (let i = 0; i < VARIANTS; i++) expect(await ask()).toBe('127.0.9.1');
      // A change the zone does not read: every kept variant stays.
      data = '127.0.9.2';
      for (const l of listeners) l(['u/other']);
      for (let i = 0; i < VARIANTS; i++) expect(await ask()).toBe('127.0.9.1');
      for (const l of listeners) l(['t/changed']);
      expect(await ask()).toBe('127.0.9.2');
    } finally {
      socket.close();
      await server.close();
    }
    expect(listeners.size).toBe(0);
  });
});
