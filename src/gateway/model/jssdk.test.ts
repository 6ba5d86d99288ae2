// Why this exists: a second independent client checks the query codec: the AWS SDK for JavaScript v3's own query
// serializer and XML deserializer (from @aws-sdk/core, present as a dependency of @aws-sdk/client-ecs), driven by
// schemas built here from the committed models, must agree with Wharf in both directions.

import { describe, expect, it } from 'vitest';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput, loadModel } from './index.js';
import type { ServiceModel, ShapeRef } from './types.js';

type Protocols = {
  QueryShapeSerializer: new (settings: object) => { write(schema: unknown, value: unknown): void; flush(): string };
  XmlShapeDeserializer: new (settings: object) => { read(schema: unknown, bytes: Uint8Array, key?: string): Promise<unknown> };
};
const sdk = (await import('@aws-sdk/core/protocols').catch(() => undefined)) as Protocols | undefined;

const SETTINGS = {
  timestampFormat: { useTrait: true, default: 5 },
  httpBindings: false,
  serializeEmptyLists: true,
};

/** The SDK's static schema for a shape (numbers for simple types, arrays for aggregates), with member traits. */
function schemas(model: ServiceModel) {
  const ns = 'com.amazonaws.wharf';
  const memo = new Map<string, unknown>();
  const ref = (r: ShapeRef, asMember: boolean): unknown => {
    const target = schema(r.shape);
    const traits: Record<string, unknown> = {};
    if (asMember && r.locationName) traits.xmlName = r.locationName;
    if (r.flattened ?? model.shapes[r.shape]?.flattened) traits.xmlFlattened = 1;
    return Object.keys(traits).length ? [target, traits] : target;
  };
  const schema = (name: string): unknown => {
    if (memo.has(name)) return memo.get(name);
    const s = model.shapes[name]!;
    const simple: Record<string, number> = {
      string: 0, integer: 1, long: 1, float: 1, double: 1, boolean: 2, timestamp: 4, blob: 21,
    };
    if (s.type in simple) return simple[s.type];
    const out: unknown[] = [];
    memo.set(name, () => out); // lazy reference for recursive shapes
    if (s.type === 'list') out.push(1, ns, name, s.flattened ? { xmlFlattened: 1 } : 0, ref(s.member!, true));
    else if (s.type === 'map') out.push(2, ns, name, s.flattened ? { xmlFlattened: 1 } : 0, ref(s.key!, true), ref(s.value!, true));
    else {
      const members = Object.entries(s.members ?? {});
      out.push(3, ns, name, 0, members.map(([m]) => m), members.map(([, r]) => ref(r, true)));
    }
    memo.set(name, out);
    return out;
  };
  return schema;
}

const elbv2 = loadModel('elbv2');
const cw = loadModel('cloudwatch');

describe.skipIf(!sdk)('AWS SDK for JavaScript v3 interoperability', () => {
  it('decodes what the JS SDK serializes', () => {
    const cases: [ServiceModel, string, Record<string, unknown>][] = [
      [
        elbv2,
        'CreateTargetGroup',
        { Name: 'web', Protocol: 'HTTP', Port: 8080, HealthCheckEnabled: true, Matcher: { HttpCode: '200' },
          Tags: [{ Key: 'a', Value: 'b c+d=e/f' }] },
      ],
      [elbv2, 'DescribeTargetGroups', { Names: ['x', 'y'], TargetGroupArns: [] }],
      [elbv2, 'AddTags', { ResourceArns: ['arn:1'], Tags: [{ Key: 'k', Value: 'v' }] }],
      [
        cw,
        'PutMetricData',
        {
          Namespace: 'N',
          MetricData: [
            { MetricName: 'm', Timestamp: new Date('2024-02-03T04:05:06Z'), Value: 1.25, Values: [1, 2], Unit: 'Count',
              Dimensions: [{ Name: 'd', Value: 'v' }] },
          ],
          EntityMetricData: [{ Entity: { KeyAttributes: { Type: 'Service', Name: 'web' } } }],
        },
      ],
    ];
    for (const [model, op, input] of cases) {
      const serializer = new sdk!.QueryShapeSerializer(SETTINGS);
      serializer.write(schemas(model)(model.operations[op]!.input!), input);
      const body = `Action=${op}&Version=${model.metadata.apiVersion}&${serializer.flush()}`;
      expect(decodeQueryInput(model, op, new URLSearchParams(body)), op).toEqual(input);
    }
  });

  it('produces XML the JS SDK deserializes back to the handler output', async () => {
    const cases: [ServiceModel, string, Record<string, unknown>][] = [
      [
        elbv2,
        'DescribeTargetGroups',
        {
          TargetGroups: [
            { TargetGroupArn: 'arn:1', Port: 80, HealthCheckEnabled: false, LoadBalancerArns: ['lb1', 'lb2'],
              Matcher: { HttpCode: '200-399' }, HealthCheckPath: '/x?a=<b>&c="d"' },
            { TargetGroupArn: 'arn:2', LoadBalancerArns: ['only'] },
          ],
          NextMarker: 'next',
        },
      ],
      [elbv2, 'DescribeTags', { TagDescriptions: [{ ResourceArn: 'arn:1', Tags: [{ Key: 'k', Value: 'v' }] }] }],
      [
        cw,
        'GetMetricData',
        {
          MetricDataResults: [
            { Id: 'q', Timestamps: [new Date('2024-01-01T00:00:00.000Z')], Values: [0.5], StatusCode: 'Complete' },
          ],
        },
      ],
    ];
    for (const [model, op, output] of cases) {
      const xml = encodeQueryOutput(model, op, output, 'rid');
      const deserializer = new sdk!.XmlShapeDeserializer(SETTINGS);
      const parsed = await deserializer.read(schemas(model)(model.operations[op]!.output!), Buffer.from(xml), `${op}Result`);
      expect(parsed, op).toEqual(output);
    }
  });

  it('produces error XML the JS SDK reads the code and message from', async () => {
    const xml = encodeQueryError('TargetGroupNotFound', 'One or more target groups not found & <gone>', 'rid', 'Sender', elbv2);
    const data = (await new sdk!.XmlShapeDeserializer(SETTINGS).read(15, Buffer.from(xml))) as {
      Error: Record<string, string>;
      RequestId: string;
    };
    expect(data.Error).toEqual({
      Type: 'Sender',
      Code: 'TargetGroupNotFound',
      Message: 'One or more target groups not found & <gone>',
    });
    expect(data.RequestId).toBe('rid');
  });
});
