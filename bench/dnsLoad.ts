// The DNS load generator the DNS benchmark runs in a process of its own (so the server measured never shares its
// process with the load): keeps `outstanding` UDP queries in flight
// against one server for `seconds`, each answered query starting the next, and reports queries/s, p50/p99 latency,
// and answers that were not NOERROR with records (or never came: re-sent after a second, counted as lost).
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface LoadSpec {
  address: string;
  port: number;
  name: string;
  type: 'A' | 'SRV';
  seconds: number;
  outstanding: number;
}

export interface LoadResult {
  qps: number;
  p50Ms: number;
  p99Ms: number;
  bad: number;
  lost: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const sent = new Map<number, bigint>();
  const latencies: number[] = [];
  let bad = 0;
  let lost = 0;
  let nextId = 0;
  let measuring = false;
  let stopped = false;
  const queries = new Map<number, Buffer>();
  const query = (id: number) => {
    let q = queries.get(id);
    if (!q) queries.set(id, (q = dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: spec.name, type: spec.type, class: 'IN' }] })));
    return q;
  };
  const send = () => {
    if (stopped) return;
    const id = nextId;
    nextId = (nextId + 1) & 0xffff;
    sent.set(id, process.hrtime.bigint());
    socket.send(query(id), spec.port, spec.address);
  };
  socket.on('message', (msg) => {
    const id = msg.readUInt16BE(0);
    const t0 = sent.get(id);
    if (t0 === undefined) return;
    sent.delete(id);
    const rcode = msg.readUInt16BE(2) & 0xf;
    const ancount = msg.readUInt16BE(6);
    if (measuring) {
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (rcode !== 0 || ancount === 0) bad++;
    }
    send();
  });
  // Re-send what has waited a second (a dropped datagram must not shrink the window).
  const sweeper = setInterval(() => {
    const now = process.hrtime.bigint();
    for (const [id, t0] of sent) {
      if (now - t0 > 1_000_000_000n) {
        sent.delete(id);
        if (measuring) lost++;
        send();
      }
    }
  }, 250);
  for (let i = 0; i < spec.outstanding; i++) send();
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  measuring = true;
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  stopped = true;
  clearInterval(sweeper);
  socket.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { qps: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99), bad, lost };
}

// `node dnsLoad.js SPEC_JSON` prints the result as JSON.
if (process.argv[2]) {
  run(JSON.parse(process.argv[2]) as LoadSpec).then((r) => console.log(JSON.stringify(r)));
}
