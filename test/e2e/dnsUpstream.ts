// A tiny upstream DNS server for tests, on loopback (UDP and TCP): answers every A query with one fixed address and
// counts what it was asked, so a test can prove Wharf forwarded a name without any outside resolver.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface TestUpstream {
  address: string;
  port: number;
  asked: string[];
  close(): Promise<void>;
}

export async function startTestUpstream(address: string, answer: string, wantedPort = 0): Promise<TestUpstream> {
  const asked: string[] = [];
  const reply = (msg: Buffer): Buffer => {
    const q = dnsPacket.decode(msg);
    const question = q.questions![0]!;
    asked.push(question.name);
    return dnsPacket.encode({
      id: q.id, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions,
      answers: question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 5, data: answer }] : [],
    });
  };
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, r) => udp.send(reply(msg), r.port, r.address));
  await new Promise<void>((ok) => udp.bind(wantedPort, address, ok));
  const port = udp.address().port;
  const tcp = net.createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const out = reply(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        c.end(Buffer.concat([len, out]));
      }
    });
    c.on('error', () => c.destroy());
  });
  await new Promise<void>((ok) => tcp.listen(port, address, ok));
  return {
    address, port, asked,
    close: () => Promise.all([new Promise<void>((ok) => udp.close(() => ok())), new Promise<void>((ok) => tcp.close(() => ok()))]).then(() => undefined),
  };
}
