import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { respond } from './server.js';
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
