// Why this exists: pins the query-protocol codec (ELBv2, CloudWatch) to the wire forms AWS uses: parameter decoding
// per the model, the exact XML of results and errors, and the validation errors a bad parameter gets.

import { describe, expect, it } from 'vitest';
import { AwsError } from '../../domain/errors.js';
import { decodeQueryInput, encodeQueryError, encodeQueryOutput, loadModel, queryError } from './index.js';
import type { ServiceModel } from './types.js';

const elbv2 = loadModel('elbv2');
const cw = loadModel('cloudwatch');
const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

function decodeError(model: ServiceModel, op: string, query: string): { code: string; message: string } {
  try {
    decodeQueryInput(model, op, new URLSearchParams(query));
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return { code: (e as AwsError).code, message: (e as AwsError).message };
  }
  throw new Error('expected an error');
}

describe('decodeQueryInput', () => {
  it('decodes ELBv2 CreateTargetGroup with nested structures, lists and typed scalars', () => {
    const params = new URLSearchParams(
      'Action=CreateTargetGroup&Version=2015-12-01&Name=web&Protocol=HTTP&Port=80&VpcId=vpc-1' +
        '&HealthCheckEnabled=true&HealthCheckIntervalSeconds=30&Matcher.HttpCode=200-299&TargetType=ip' +
        '&Tags.member.2.Key=team&Tags.member.2.Value=core&Tags.member.1.Key=env&Tags.member.1.Value=prod&Unknown=1',
    );
    expect(decodeQueryInput(elbv2, 'CreateTargetGroup', params)).toEqual({
      Name: 'web',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      Matcher: { HttpCode: '200-299' },
      TargetType: 'ip',
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'team', Value: 'core' },
      ],
    });
  });

  it('decodes DescribeTargetGroups lists in index order, and `Name=` as an empty list', () => {
    const params = new URLSearchParams('Names.member.10=c&Names.member.2=b&Names.member.1=a&TargetGroupArns=&PageSize=5');
    expect(decodeQueryInput(elbv2, 'DescribeTargetGroups', params)).toEqual({
      Names: ['a', 'b', 'c'],
      TargetGroupArns: [],
      PageSize: 5,
    });
    expect(decodeQueryInput(elbv2, 'DescribeTargetGroups', new URLSearchParams(''))).toEqual({});
  });

  it('decodes AddTags and reports missing required members with Coral paths', () => {
    const ok = 'ResourceArns.member.1=arn:1&Tags.member.1.Key=k&Tags.member.1.Value=v';
    expect(decodeQueryInput(elbv2, 'AddTags', new URLSearchParams(ok))).toEqual({
      ResourceArns: ['arn:1'],
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(decodeError(elbv2, 'AddTags', 'ResourceArns.member.1=arn:1&Tags.member.1.Value=v')).toEqual({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: " +
        'Member must not be null',
    });
    expect(decodeError(elbv2, 'AddTags', '')).toEqual({
      code: 'ValidationError',
      message:
        "2 validation errors detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be " +
        "null; Value null at 'tags' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers an out-of-range port exactly as ELBv2 does', () => {
    expect(decodeError(elbv2, 'CreateTargetGroup', 'Name=web&Port=0')).toEqual({
      code: 'ValidationError',
      message:
        "1 validation error detected: Value '0' at 'port' failed to satisfy constraint: " +
        'Member must have value greater than or equal to 1',
    });
  });

  it('reports parameters that do not parse as their type under the validation code', () => {
    expect(decodeError(elbv2, 'CreateTargetGroup', 'Name=web&Port=eighty&HealthCheckEnabled=yes')).toEqual({
      code: 'ValidationError',
      message:
        "2 validation errors detected: Value 'eighty' at 'port' failed to satisfy constraint: Member must be an " +
        "integer; Value 'yes' at 'healthCheckEnabled' failed to satisfy constraint: Member must be true or false",
    });
    const custom = () =>
      decodeQueryInput(elbv2, 'CreateTargetGroup', new URLSearchParams('Port=1'), { validationErrorCode: 'Nope' });
    expect(custom).toThrow(expect.objectContaining({ code: 'Nope' }));
  });

  it('decodes CloudWatch PutMetricData: doubles, timestamps, value lists and maps', () => {
    const params = new URLSearchParams(
      'Action=PutMetricData&Namespace=Wharf%2FTest' +
        '&MetricData.member.1.MetricName=Latency&MetricData.member.1.Value=1.5&MetricData.member.1.Unit=Milliseconds' +
        '&MetricData.member.1.Timestamp=2024-05-01T12%3A00%3A00.250Z&MetricData.member.1.StorageResolution=1' +
        '&MetricData.member.1.Dimensions.member.1.Name=Service&MetricData.member.1.Dimensions.member.1.Value=web' +
        '&MetricData.member.1.Values.member.1=1&MetricData.member.1.Values.member.2=2.5e1' +
        '&MetricData.member.1.Counts.member.1=3&MetricData.member.1.Counts.member.2=4' +
        '&MetricData.member.2.MetricName=Count&MetricData.member.2.StatisticValues.SampleCount=2' +
        '&MetricData.member.2.StatisticValues.Sum=3&MetricData.member.2.StatisticValues.Minimum=1' +
        '&MetricData.member.2.StatisticValues.Maximum=2' +
        '&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.key=Type' +
        '&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.value=Service' +
        '&EntityMetricData.member.1.Entity.KeyAttributes.entry.2.key=Name' +
        '&EntityMetricData.member.1.Entity.KeyAttributes.entry.2.value=web',
    );
    expect(decodeQueryInput(cw, 'PutMetricData', params)).toEqual({
      Namespace: 'Wharf/Test',
      MetricData: [
        {
          MetricName: 'Latency',
          Value: 1.5,
          Unit: 'Milliseconds',
          Timestamp: new Date('2024-05-01T12:00:00.250Z'),
          StorageResolution: 1,
          Dimensions: [{ Name: 'Service', Value: 'web' }],
          Values: [1, 25],
          Counts: [3, 4],
        },
        { MetricName: 'Count', StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 } },
      ],
      EntityMetricData: [{ Entity: { KeyAttributes: { Type: 'Service', Name: 'web' } } }],
    });
  });

  it('validates decoded CloudWatch input: enums, required members, timestamps', () => {
    expect(
      decodeError(cw, 'PutMetricData', 'Namespace=N&MetricData.member.1.MetricName=m&MetricData.member.1.Unit=Parsecs')
        .message,
    ).toMatch(
      new RegExp(
        "^1 validation error detected: Value 'Parsecs' at 'metricData.1.member.unit' failed to satisfy constraint: " +
          'Member must satisfy enum value set: \\[Seconds, Microseconds,',
      ),
    );
    expect(decodeError(cw, 'PutMetricData', 'Namespace=N&MetricData.member.1.Timestamp=soon').message).toBe(
      // Type problems are reported on their own, before constraints (the missing MetricName is not listed).
      "1 validation error detected: Value 'soon' at 'metricData.1.member.timestamp' failed to satisfy constraint: " +
        'Member must be an ISO 8601 timestamp',
    );
  });
});

describe('encodeQueryOutput', () => {
  const group = {
    TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef',
    TargetGroupName: 'web',
    Protocol: 'HTTP',
    Port: 80,
    VpcId: 'vpc-1',
    HealthCheckEnabled: true,
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: [],
    TargetType: 'instance',
    NotInModel: 'dropped',
  };

  it('writes CreateTargetGroup as AWS does', () => {
    expect(encodeQueryOutput(elbv2, 'CreateTargetGroup', { TargetGroups: [group] }, 'req-1')).toBe(
      `<CreateTargetGroupResponse xmlns="${NS}"><CreateTargetGroupResult><TargetGroups><member>` +
        `<TargetGroupArn>${group.TargetGroupArn}</TargetGroupArn><TargetGroupName>web</TargetGroupName>` +
        '<Protocol>HTTP</Protocol><Port>80</Port><VpcId>vpc-1</VpcId><HealthCheckEnabled>true</HealthCheckEnabled>' +
        '<Matcher><HttpCode>200</HttpCode></Matcher><LoadBalancerArns/><TargetType>instance</TargetType>' +
        '</member></TargetGroups></CreateTargetGroupResult>' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTargetGroupResponse>',
    );
  });

  it('escapes text and self-closes empty results', () => {
    const xml = encodeQueryOutput(elbv2, 'DescribeTargetGroups', { TargetGroups: [], NextMarker: 'a<b>&"c\'\r' }, 'r');
    expect(xml).toContain('<TargetGroups/><NextMarker>a&lt;b&gt;&amp;&quot;c&apos;&#13;</NextMarker>');
    expect(encodeQueryOutput(elbv2, 'AddTags', {}, 'r')).toBe(
      `<AddTagsResponse xmlns="${NS}"><AddTagsResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>` +
        '</AddTagsResponse>',
    );
    expect(encodeQueryOutput(elbv2, 'AddTags', undefined, 'r')).toContain('<AddTagsResult/>');
    expect(encodeQueryOutput(elbv2, 'DescribeTargetGroups', { NextMarker: 'x\u0000y\uD800z😀' }, 'r')).toContain(
      '<NextMarker>x\uFFFDy\uFFFDz😀</NextMarker>',
    );
  });

  it('writes operations without output as bare ResponseMetadata', () => {
    expect(encodeQueryOutput(cw, 'PutMetricData', undefined, 'id-9')).toBe(
      '<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">' +
        '<ResponseMetadata><RequestId>id-9</RequestId></ResponseMetadata></PutMetricDataResponse>',
    );
  });

  it('writes timestamps as ISO 8601 and doubles as numbers', () => {
    const xml = encodeQueryOutput(
      cw,
      'GetMetricStatistics',
      { Label: 'CPU', Datapoints: [{ Timestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), Average: 0.5, Unit: 'Percent' }] },
      'r',
    );
    expect(xml).toContain(
      '<Datapoints><member><Timestamp>2024-01-02T03:04:05.000Z</Timestamp><Average>0.5</Average>' +
        '<Unit>Percent</Unit></member></Datapoints>',
    );
  });
});

describe('encodeQueryError', () => {
  it('writes the ErrorResponse document', () => {
    expect(encodeQueryError('TargetGroupNotFound', 'One or more target groups not found', 'rid', 'Sender', elbv2)).toBe(
      `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code>` +
        '<Message>One or more target groups not found</Message></Error><RequestId>rid</RequestId></ErrorResponse>',
    );
    expect(encodeQueryError('InternalFailure', 'a < b', 'r', 'Receiver')).toBe(
      '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>a &lt; b</Message></Error>' +
        '<RequestId>r</RequestId></ErrorResponse>',
    );
    expect(encodeQueryError('X', 'm', 'r', 'Sender', 'urn:ns')).toContain('<ErrorResponse xmlns="urn:ns">');
  });

  it('maps modeled exceptions to their query wire codes', () => {
    expect(queryError(elbv2, 'TargetGroupNotFoundException')).toEqual({
      code: 'TargetGroupNotFound',
      status: 400,
      fault: 'Sender',
    });
    expect(queryError(cw, 'InternalServiceFault')).toEqual({ code: 'InternalServiceError', status: 500, fault: 'Receiver' });
    expect(queryError(cw, 'NoSuchShape')).toEqual({ code: 'NoSuchShape', status: 400, fault: 'Sender' });
  });
});
