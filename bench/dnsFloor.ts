// The floor of any DNS server written on Node's dgram, for bench/dns.ts: a process that answers every query with
// one reply fixed in advance (its id patched), doing nothing else. What it costs per query is Node's receive and
// send; what Wharf's server costs beyond it is its own work.
// Run (by bench/dns.ts): node dist/bench/dnsFloor.js ADDRESS PORT REPLY_HEX
import dgram from 'node:dgram';

const [address, port, hex] = process.argv.slice(2);
const fixed = Buffer.from(hex!, 'hex');
const lookup = (a: string, _f: unknown, cb: (err: null, address: string, family: number) => void) => cb(null, a, 4);
const socket = dgram.createSocket({ type: 'udp4', lookup: lookup as never });
socket.on('message', (msg, rinfo) => {
  const reply = Buffer.allocUnsafe(fixed.length);
  fixed.copy(reply);
  reply[0] = msg[0]!;
  reply[1] = msg[1]!;
  socket.send(reply, rinfo.port, rinfo.address);
});
socket.bind(Number(port), address, () => process.send?.('ready'));
