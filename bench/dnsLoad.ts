// The DNS load generator the DNS benchmark runs in a process of its own (so the server measured never shares its
// process with the load): keeps `outstanding` UDP queries in flight against one server for `seconds`, each answered
// query starting the next, and reports queries/s, p50/p99 latency, answers that were not NOERROR with records (or
// never came: re-sent after a second, counted as lost), every query answered from the first to the last (warm-up
// included, to divide the server's CPU time by), and its own CPU time per query. Kept light (no allocation per
// query beyond Node's own, a lookup that answers at once) so that it, rather than the server, is the limit as late
// as possible: the same generator drives every server measured, and its CPU per query says when it was the limit.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
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
  /** Queries answered over the whole run, warm-up included. */
  answered: number;
  /** The generator's own CPU time per answered query while measuring, µs. */
  loadCpuUs: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const lookup = (address: string, _family: unknown, cb: (err: null, address: string, family: number) => void) => cb(null, address, 4);
  const socket = dgram.createSocket({ type: 'udp4', lookup: lookup as never });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  // Per id: when it was sent (0: not in flight). Ids cycle through 65536, far more than are ever in flight.
  const sentAt = new Float64Array(65536);
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  let answered = 0;
  let bad = 0;
  let lost = 0;
  let nextId = 0;
  let measuring = false;
  let stopped = false;
  const queries: Buffer[] = [];
  for (let id = 0; id < 65536; id++) {
    queries.push(dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: spec.name, type: spec.type, class: 'IN' }] }));
  }
  const send = () => {
    if (stopped) return;
    const id = nextId;
    nextId = (nextId + 1) & 0xffff;
    sentAt[id] = performance.now();
    socket.send(queries[id]!, spec.port, spec.address);
  };
  socket.on('message', (msg) => {
    const id = (msg[0]! << 8) | msg[1]!;
    const t0 = sentAt[id]!;
    if (t0 === 0) return;
    sentAt[id] = 0;
    answered++;
    if (measuring) {
      if (count === latencies.length) {
        const more = new Float64Array(latencies.length * 2);
        more.set(latencies);
        latencies = more;
      }
      latencies[count++] = performance.now() - t0;
      // rcode (low bits of byte 3) NOERROR and at least one answer.
      if ((msg[3]! & 0xf) !== 0 || (msg[6]! | msg[7]!) === 0) bad++;
    }
    send();
  });
  // Re-send what has waited a second (a dropped datagram must not shrink the window).
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (let id = 0; id < 65536; id++) {
      const t0 = sentAt[id]!;
      if (t0 !== 0 && now - t0 > 1000) {
        sentAt[id] = 0;
        if (measuring) lost++;
        send();
      }
    }
  }, 250);
  for (let i = 0; i < spec.outstanding; i++) send();
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  measuring = true;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  stopped = true;
  clearInterval(sweeper);
  socket.close();
  const sorted = latencies.subarray(0, count).sort();
  const pct = (p: number) => sorted[Math.min(count - 1, Math.floor(count * p))] ?? NaN;
  return { qps: count / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99), bad, lost, answered, loadCpuUs: (cpu.user + cpu.system) / Math.max(1, count) };
}

// `node dnsLoad.js SPEC_JSON` prints the result as JSON.
if (process.argv[2]) {
  run(JSON.parse(process.argv[2]) as LoadSpec).then((r) => console.log(JSON.stringify(r)));
}
