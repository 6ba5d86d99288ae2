// The load generator of bench/connect.ts, run by it either inside a task's network namespace (nsenter) or on the
// host: resolves NAME through the resolver given (the task's own 127.0.0.53 for a Service Connect alias) or takes an
// address, then runs autocannon against http://ADDRESS:PORT/ and prints one JSON line of figures.
// Run: node dist/bench/connectLoad.js --target NAME|ADDRESS --port N [--resolver ADDRESS] [--connections N] [--duration S]
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import autocannon from 'autocannon';
import { arg } from './support.js';

async function main() {
  const target = arg('target', '');
  const resolver = arg('resolver', '');
  let address = target;
  if (!isIP(target)) {
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([resolver || '127.0.0.53']);
    address = (await r.resolve4(target))[0]!;
  }
  const r = await autocannon({
    url: `http://${address}:${arg('port', 80)}/`,
    headers: { host: target },
    connections: arg('connections', 16),
    duration: arg('duration', 5),
  });
  console.log(JSON.stringify({ address, rps: r.requests.average, mean: r.latency.mean, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
