#!/usr/bin/env node
// Why this exists: request validation and the query codec are driven by the real AWS service models (botocore's
// service-2.json), which are not on CI, so this script distils them into small committed files in src/models/.
//
// Usage: node scripts/gen-models.mjs [--data DIR] [--out DIR]
//   --data defaults to $BOTOCORE_DATA, else the data folder of the `botocore` that `python3` imports.
//   --out defaults to src/models: <short>.json, one per service, with documentation and unused shapes dropped.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Wharf's short name -> botocore service folder(s), first found wins. */
const SERVICES = {
  ecs: ['ecs'],
  elbv2: ['elbv2'],
  cloudwatch: ['cloudwatch', 'monitoring'],
  ecr: ['ecr'],
  logs: ['logs'],
  autoscaling: ['application-autoscaling'],
  servicediscovery: ['servicediscovery'],
  secretsmanager: ['secretsmanager'],
  ssm: ['ssm'],
  iam: ['iam'],
  sts: ['sts'],
  efs: ['efs'],
};

const METADATA_KEYS = [
  'apiVersion', 'protocol', 'protocols', 'targetPrefix', 'jsonVersion', 'signingName', 'endpointPrefix',
  'xmlNamespace', 'serviceId', 'awsQueryCompatible',
];
const SHAPE_KEYS = [
  'type', 'required', 'enum', 'min', 'max', 'pattern', 'timestampFormat', 'flattened', 'locationName', 'xmlNamespace',
  'union', 'document', 'exception', 'fault', 'error', 'event', 'eventstream',
];
const REF_KEYS = ['shape', 'location', 'locationName', 'flattened', 'queryName', 'xmlName', 'xmlAttribute',
  'xmlNamespace', 'timestampFormat', 'jsonvalue', 'hostLabel', 'eventpayload'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function dataDir() {
  if (arg('--data')) return arg('--data');
  if (process.env.BOTOCORE_DATA) return process.env.BOTOCORE_DATA;
  try {
    const out = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
    });
    return join(out.trim(), 'data');
  } catch {
    throw new Error('botocore not found: pass --data DIR or set BOTOCORE_DATA');
  }
}

function readService(dir, names) {
  for (const name of names) {
    const base = join(dir, name);
    if (!existsSync(base)) continue;
    const version = readdirSync(base).filter((v) => /^\d{4}-\d{2}-\d{2}$/.test(v)).sort().at(-1);
    if (!version) continue;
    for (const file of ['service-2.json.gz', 'service-2.json']) {
      const path = join(base, version, file);
      if (!existsSync(path)) continue;
      const raw = readFileSync(path);
      return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
    }
  }
  throw new Error(`no service-2.json for ${names.join('/')} under ${dir}`);
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function compact(svc) {
  const metadata = pick(svc.metadata, METADATA_KEYS);
  if (metadata.awsQueryCompatible) metadata.awsQueryCompatible = true;
  const operations = {};
  const used = new Set();
  const visit = (name) => {
    if (!name || used.has(name)) return;
    used.add(name);
    const s = svc.shapes[name];
    if (!s) throw new Error(`missing shape ${name}`);
    for (const m of Object.values(s.members ?? {})) visit(m.shape);
    if (s.member) visit(s.member.shape);
    if (s.key) visit(s.key.shape);
    if (s.value) visit(s.value.shape);
  };
  for (const name of Object.keys(svc.operations).sort()) {
    const op = svc.operations[name];
    const out = {};
    if (op.input) out.input = op.input.shape;
    if (op.output) out.output = op.output.shape;
    if (op.output?.resultWrapper) out.resultWrapper = op.output.resultWrapper;
    if (op.errors?.length) out.errors = op.errors.map((e) => e.shape);
    if (op.http && (op.http.method !== 'POST' || op.http.requestUri !== '/')) {
      out.http = pick(op.http, ['method', 'requestUri', 'responseCode']);
    }
    operations[name] = out;
    visit(out.input);
    visit(out.output);
    for (const e of out.errors ?? []) visit(e);
  }
  const shapes = {};
  for (const name of Object.keys(svc.shapes).sort()) {
    if (!used.has(name)) continue;
    const s = svc.shapes[name];
    const out = pick(s, SHAPE_KEYS);
    if (s.type === 'structure') {
      out.members = {};
      for (const [m, ref] of Object.entries(s.members ?? {})) out.members[m] = pick(ref, REF_KEYS);
      if (out.required && !out.required.length) delete out.required;
    }
    if (s.member) out.member = pick(s.member, REF_KEYS);
    if (s.key) out.key = pick(s.key, REF_KEYS);
    if (s.value) out.value = pick(s.value, REF_KEYS);
    shapes[name] = out;
  }
  return { metadata, operations, shapes };
}

/** One line per operation and per shape: small, yet diffs stay readable. */
function format(model) {
  const section = (obj) =>
    '{\n' + Object.entries(obj).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n') + '\n  }';
  return (
    '{\n' +
    `  "metadata": ${JSON.stringify(model.metadata)},\n` +
    `  "operations": ${section(model.operations)},\n` +
    `  "shapes": ${section(model.shapes)}\n` +
    '}\n'
  );
}

const dir = dataDir();
const outDir = arg('--out') ?? join(root, 'src/models');
mkdirSync(outDir, { recursive: true });
for (const [short, names] of Object.entries(SERVICES)) {
  const model = compact(readService(dir, names));
  const text = format(model);
  writeFileSync(join(outDir, `${short}.json`), text);
  const ops = Object.keys(model.operations).length;
  const shapes = Object.keys(model.shapes).length;
  console.log(`${short}: ${ops} operations, ${shapes} shapes, ${(text.length / 1024).toFixed(0)} KiB`);
}
