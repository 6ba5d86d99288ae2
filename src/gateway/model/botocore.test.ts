// Why this exists: an independent client checks the query codec. botocore (the AWS CLI/boto3 core) serializes real
// requests that Wharf must decode, and parses Wharf's XML the way boto3 will; it also proves the committed compact
// models still carry everything a client needs. Skipped where python3 with botocore is not installed (e.g. CI).

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput, loadModel } from './index.js';
import type { ServiceModel } from './types.js';

const HAS_BOTOCORE = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;

// Reads [{kind, model, op, ...}] on stdin, answers one result per case on stdout.
const PY = String.raw`
import base64, datetime, json, sys
from botocore.model import ServiceModel
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

def plain(v):
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list): return [plain(x) for x in v]
    if isinstance(v, datetime.datetime): return {'$date': v.timestamp()}
    if isinstance(v, bytes): return {'$bytes': base64.b64encode(v).decode()}
    return v

def botocore_model(m):
    # The compact model names shapes directly; botocore wants {'shape': ...} references.
    ops = {}
    for name, o in m['operations'].items():
        op = {'name': name, 'http': {'method': 'POST', 'requestUri': '/'}}
        if 'input' in o: op['input'] = {'shape': o['input']}
        if 'output' in o: op['output'] = {'shape': o['output'], 'resultWrapper': o.get('resultWrapper')}
        op['errors'] = [{'shape': e} for e in o.get('errors', [])]
        ops[name] = op
    return dict(m, operations=ops)

out = []
for case in json.load(sys.stdin):
    op = ServiceModel(botocore_model(case['model'])).operation_model(case['op'])
    if case['kind'] == 'serialize':
        body = QuerySerializer().serialize_to_request(case['params'], op)['body']
        out.append([[k, str(v)] for k, v in body.items()])
    else:
        status = case.get('status', 200)
        shape = op.output_shape if status == 200 else None
        parsed = QueryParser().parse({'body': case['xml'].encode(), 'headers': {}, 'status_code': status}, shape)
        meta = parsed.get('ResponseMetadata', {})
        meta.pop('HTTPHeaders', None)
        meta.pop('HTTPStatusCode', None)
        out.append(plain(parsed))
print(json.dumps(out))
`;

function botocore(cases: object[]): unknown[] {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

/** botocore's parsed form of a value Wharf holds (Dates as epoch seconds, Buffers as base64). */
function asParsed(v: unknown): unknown {
  if (v instanceof Date) return { $date: v.getTime() / 1000 };
  if (Buffer.isBuffer(v)) return { $bytes: v.toString('base64') };
  if (Array.isArray(v)) return v.map(asParsed);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asParsed(x)]));
  return v;
}

const elbv2 = loadModel('elbv2');
const cw = loadModel('cloudwatch');

// A tiny query model with the traits ELBv2/CloudWatch lack: flattened lists/maps and renamed members.
const traits: ServiceModel = {
  metadata: { apiVersion: '2020-01-01', protocol: 'query', xmlNamespace: 'urn:traits' },
  operations: { Op: { input: 'In', output: 'Out', resultWrapper: 'OpResult' } },
  shapes: {
    In: {
      type: 'structure',
      required: ['Ids'],
      members: {
        Ids: { shape: 'FlatIds' },
        Named: { shape: 'NamedList', locationName: 'Renamed' },
        Attrs: { shape: 'FlatMap' },
        Labels: { shape: 'NamedMap' },
        When: { shape: 'Time' },
        Data: { shape: 'Bytes' },
      },
    },
    Out: {
      type: 'structure',
      members: {
        Ids: { shape: 'FlatIds' },
        Named: { shape: 'NamedList', locationName: 'Renamed' },
        Attrs: { shape: 'FlatMap' },
        Labels: { shape: 'NamedMap' },
        When: { shape: 'Time' },
        Data: { shape: 'Bytes' },
        Big: { shape: 'Long' },
        Ratio: { shape: 'Double' },
      },
    },
    FlatIds: { type: 'list', flattened: true, member: { shape: 'Str', locationName: 'Id' } },
    NamedList: { type: 'list', member: { shape: 'Str', locationName: 'item' } },
    FlatMap: { type: 'map', flattened: true, key: { shape: 'Str', locationName: 'Name' }, value: { shape: 'Str' } },
    NamedMap: { type: 'map', key: { shape: 'Str', locationName: 'k' }, value: { shape: 'Str', locationName: 'v' } },
    Str: { type: 'string' },
    Time: { type: 'timestamp' },
    Bytes: { type: 'blob' },
    Long: { type: 'long' },
    Double: { type: 'double' },
  },
};

describe.skipIf(!HAS_BOTOCORE)('botocore interoperability', () => {
  const requests: [ServiceModel, string, Record<string, unknown>][] = [
    [
      elbv2,
      'CreateTargetGroup',
      {
        Name: 'web',
        Protocol: 'HTTPS',
        Port: 443,
        VpcId: 'vpc-1',
        HealthCheckEnabled: false,
        HealthCheckPath: '/health?x=1&y=2',
        Matcher: { HttpCode: '200,302' },
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'owner', Value: 'ünïcødé 東京 a+b=c@d' },
        ],
      },
    ],
    [elbv2, 'DescribeTargetGroups', { Names: ['a', 'b'], TargetGroupArns: [], PageSize: 400 }],
    [elbv2, 'AddTags', { ResourceArns: ['arn:1', 'arn:2'], Tags: [{ Key: 'k', Value: '' }] }],
    [
      elbv2,
      'CreateListener',
      {
        LoadBalancerArn: 'arn:lb',
        DefaultActions: [
          {
            Type: 'authenticate-oidc',
            Order: 1,
            AuthenticateOidcConfig: {
              Issuer: 'i',
              AuthorizationEndpoint: 'a',
              TokenEndpoint: 't',
              UserInfoEndpoint: 'u',
              ClientId: 'c',
              AuthenticationRequestExtraParams: { prompt: 'login', display: 'page' },
            },
          },
        ],
      },
    ],
    [
      cw,
      'PutMetricData',
      {
        Namespace: 'Wharf/Test',
        MetricData: [
          {
            MetricName: 'Latency',
            Dimensions: [{ Name: 'Service', Value: 'web' }],
            Timestamp: new Date('2024-05-01T12:00:00Z'),
            Value: 0.000012,
            Values: [1, 2.5, 1e21],
            Counts: [1, 2, 3],
            Unit: 'Milliseconds',
            StorageResolution: 1,
          },
          { MetricName: 'Count', StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 } },
        ],
        EntityMetricData: [{ Entity: { KeyAttributes: { Type: 'Service', Name: 'web' } } }],
      },
    ],
    [
      traits,
      'Op',
      {
        Ids: ['a', 'b'],
        Named: ['x'],
        Attrs: { k1: 'v1', k2: 'v2' },
        Labels: { l: 'm' },
        When: new Date('2024-01-01T00:00:00.5Z'),
        Data: Buffer.from('hello'),
      },
    ],
  ];

  it('decodes what botocore serializes, back to the same input', () => {
    const wire = botocore(
      requests.map(([model, op, params]) => ({
        kind: 'serialize',
        model,
        op,
        params: JSON.parse(JSON.stringify(params, (_k, v: unknown) =>
          (v as { type?: string })?.type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString() : v)),
      })),
    ) as [string, string][][];
    requests.forEach(([model, op, params], i) => {
      const decoded = decodeQueryInput(model, op, new URLSearchParams(wire[i]));
      expect(decoded, op).toEqual(params);
    });
  });

  it('produces XML that botocore parses back to the handler output', () => {
    const outputs: [ServiceModel, string, Record<string, unknown>][] = [
      [
        elbv2,
        'CreateTargetGroup',
        {
          TargetGroups: [
            {
              TargetGroupArn: 'arn:tg',
              TargetGroupName: 'web',
              Protocol: 'HTTP',
              Port: 80,
              HealthCheckEnabled: true,
              HealthCheckIntervalSeconds: 30,
              Matcher: { HttpCode: '200' },
              LoadBalancerArns: [],
              TargetType: 'ip',
            },
          ],
        },
      ],
      [
        elbv2,
        'DescribeTargetGroups',
        {
          TargetGroups: [
            { TargetGroupArn: 'arn:1', LoadBalancerArns: ['arn:lb1', 'arn:lb2'], HealthCheckPath: '/a?b=<c>&d' },
            { TargetGroupArn: 'arn:2', TargetGroupName: 'line\r\nbreak\ttab' },
          ],
          NextMarker: "m'&\"",
        },
      ],
      [elbv2, 'AddTags', {}],
      [
        elbv2,
        'DescribeTags',
        { TagDescriptions: [{ ResourceArn: 'arn:1', Tags: [{ Key: 'k', Value: 'v' }, { Key: 'e', Value: '' }] }] },
      ],
      [
        elbv2,
        'DescribeListeners',
        {
          Listeners: [
            {
              ListenerArn: 'arn:l',
              Port: 443,
              DefaultActions: [
                {
                  Type: 'authenticate-oidc',
                  AuthenticateOidcConfig: { Issuer: 'i', AuthenticationRequestExtraParams: { a: '1', b: '2' } },
                },
              ],
            },
          ],
        },
      ],
      [
        cw,
        'GetMetricStatistics',
        {
          Label: 'CPU',
          Datapoints: [
            { Timestamp: new Date('2024-01-02T03:04:05.678Z'), Average: 0.1, Maximum: 1e21, Unit: 'Percent' },
          ],
        },
      ],
      [
        cw,
        'GetMetricData',
        {
          MetricDataResults: [
            {
              Id: 'q1',
              Label: 'l',
              Timestamps: [new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:01:00Z')],
              Values: [1, -2.5],
              StatusCode: 'Complete',
            },
          ],
          Messages: [],
        },
      ],
      [
        traits,
        'Op',
        {
          Ids: ['a', 'b'],
          Named: ['x', 'y'],
          Attrs: { k1: 'v1' },
          Labels: { l: 'm' },
          When: new Date('2024-01-01T00:00:00.5Z'),
          Data: Buffer.from('hello'),
          Big: 9007199254740991,
          Ratio: 0.25,
        },
      ],
    ];
    const parsed = botocore(
      outputs.map(([model, op, output]) => ({ kind: 'parse', model, op, xml: encodeQueryOutput(model, op, output, 'req-1') })),
    ) as Record<string, unknown>[];
    outputs.forEach(([, op, output], i) => {
      const { ResponseMetadata, ...rest } = parsed[i]!;
      expect(ResponseMetadata, op).toEqual({ RequestId: 'req-1' });
      expect(rest, op).toEqual(asParsed(output));
    });
  });

  it('produces error XML that botocore parses', () => {
    const [parsed] = botocore([
      { kind: 'parse', model: elbv2, op: 'AddTags', status: 400, xml: encodeQueryError('DuplicateTagKeys', 'A <dup> & more', 'rid-7', 'Sender', elbv2) },
    ]);
    expect(parsed).toEqual({
      Error: { Type: 'Sender', Code: 'DuplicateTagKeys', Message: 'A <dup> & more' },
      ResponseMetadata: { RequestId: 'rid-7' },
    });
  });
});
