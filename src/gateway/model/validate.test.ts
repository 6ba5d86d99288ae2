// Why this exists: pins the model-driven JSON validation to AWS's behaviour on real ECS (and other) inputs: which
// code each failure gets and the exact message, plus the normalized value handed to handlers.

import { describe, expect, it } from 'vitest';
import { AwsError } from '../../domain/errors.js';
import { loadModel, validateInput } from './index.js';

const ecs = loadModel('ecs');
const ECS = { validationErrorCode: 'InvalidParameterException' };

function fail(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return e as AwsError;
  }
  throw new Error('expected an error');
}

function ecsError(op: string, input: unknown): { code: string; message: string; status: number } {
  const e = fail(() => validateInput(ecs, op, input, ECS));
  return { code: e.code, message: e.message, status: e.status };
}

const container = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  image: 'nginx:latest',
  cpu: 256,
  memory: 512,
  essential: true,
  portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }, { containerPort: 443 }],
  environment: [{ name: 'A', value: '1' }],
  dockerLabels: { team: 'core' },
  ...extra,
});

describe('validateInput: ECS CreateCluster', () => {
  it('accepts a good body and drops members the model does not know', () => {
    const input = { clusterName: 'prod', tags: [{ key: 'env', value: 'prod' }], bogus: 1, settings: [] };
    expect(validateInput(ecs, 'CreateCluster', input, ECS)).toEqual({
      clusterName: 'prod',
      tags: [{ key: 'env', value: 'prod' }],
      settings: [],
    });
  });

  it('treats an empty body as {} and null members as absent', () => {
    expect(validateInput(ecs, 'CreateCluster', undefined, ECS)).toEqual({});
    expect(validateInput(ecs, 'CreateCluster', { clusterName: null, tags: null }, ECS)).toEqual({});
  });

  it('rejects a body that is not a JSON object with SerializationException', () => {
    expect(ecsError('CreateCluster', [])).toEqual({
      code: 'SerializationException',
      message: 'Start of list found where not expected',
      status: 400,
    });
    expect(ecsError('CreateCluster', 'x').code).toBe('SerializationException');
    expect(ecsError('CreateCluster', null).code).toBe('SerializationException');
  });

  it('reports tag constraints with the Coral path and wording', () => {
    expect(ecsError('CreateCluster', { tags: [{ key: '', value: 'v' }] })).toEqual({
      code: 'InvalidParameterException',
      message:
        "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
      status: 400,
    });
    expect(ecsError('CreateCluster', { tags: [{ key: 'ok' }, { key: 'a*b' }] }).message).toBe(
      "1 validation error detected: Value 'a*b' at 'tags.2.member.key' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)',
    );
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(ecsError('CreateCluster', { tags }).message).toBe(
      "1 validation error detected: Value at 'tags' failed to satisfy constraint: " +
        'Member must have length less than or equal to 50',
    );
  });

  it('accepts unicode letters in tag keys (\\p{L} needs the u flag)', () => {
    expect(validateInput(ecs, 'CreateCluster', { tags: [{ key: 'équipe', value: '東京' }] }, ECS)).toEqual({
      tags: [{ key: 'équipe', value: '東京' }],
    });
  });

  it('checks integer ranges inside nested structures', () => {
    const strategy = [{ capacityProvider: 'FARGATE', weight: 1001, base: -1 }];
    expect(ecsError('CreateCluster', { defaultCapacityProviderStrategy: strategy }).message).toBe(
      '2 validation errors detected: ' +
        "Value '1001' at 'defaultCapacityProviderStrategy.1.member.weight' failed to satisfy constraint: " +
        'Member must have value less than or equal to 1000; ' +
        "Value '-1' at 'defaultCapacityProviderStrategy.1.member.base' failed to satisfy constraint: " +
        'Member must have value greater than or equal to 0',
    );
  });
});

describe('validateInput: ECS RegisterTaskDefinition', () => {
  it('accepts nested container definitions and returns an equal clean copy', () => {
    const input = {
      family: 'web',
      networkMode: 'bridge',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [container(), container({ name: 'sidecar', links: ['web'] })],
      volumes: [{ name: 'data', host: { sourcePath: '/data' } }],
      cpu: '256',
      memory: '512',
    };
    expect(validateInput(ecs, 'RegisterTaskDefinition', input, ECS)).toEqual(input);
  });

  it('requires family and containerDefinitions', () => {
    expect(ecsError('RegisterTaskDefinition', {})).toEqual({
      code: 'InvalidParameterException',
      message:
        "2 validation errors detected: Value null at 'family' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'containerDefinitions' failed to satisfy constraint: Member must not be null",
      status: 400,
    });
  });

  it('names the nested path of a bad enum', () => {
    const input = {
      family: 'web',
      containerDefinitions: [container({ portMappings: [{ containerPort: 80 }, { containerPort: 81, protocol: 'sctp' }] })],
    };
    expect(ecsError('RegisterTaskDefinition', input).message).toBe(
      "1 validation error detected: Value 'sctp' at 'containerDefinitions.1.member.portMappings.2.member.protocol' " +
        'failed to satisfy constraint: Member must satisfy enum value set: [tcp, udp]',
    );
  });

  it('reports a bad element of a list of enums at the list, as Coral does', () => {
    const input = { family: 'web', containerDefinitions: [container()], requiresCompatibilities: ['EC2', 'BAD'] };
    expect(ecsError('RegisterTaskDefinition', input).message).toBe(
      "1 validation error detected: Value '[EC2, BAD]' at 'requiresCompatibilities' failed to satisfy constraint: " +
        'Member must satisfy constraint: [Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]]',
    );
  });

  it('answers JSON type mismatches with SerializationException in Coral wording', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ containerDefinitions: {} }, 'Start of structure or map found where not expected.'],
      [{ containerDefinitions: 'x' }, 'Expected list or null'],
      [{ containerDefinitions: [container({ portMappings: ['x'] })] }, 'Expected null'],
      [{ containerDefinitions: [container({ portMappings: [[]] })] }, 'Start of list found where not expected'],
      [{ containerDefinitions: [container({ essential: 'yes' })] }, 'STRING_VALUE can not be converted to a Boolean'],
      [{ containerDefinitions: [container({ name: 5 })] }, 'NUMBER_VALUE can not be converted to a String'],
      [{ containerDefinitions: [container({ name: true })] }, 'TRUE_VALUE can not be converted to a String'],
      [{ containerDefinitions: [container({ memory: '512' })] }, 'STRING_VALUE can not be converted to an Integer'],
      [{ containerDefinitions: [container({ memory: false })] }, 'FALSE_VALUE can not be converted to an Integer'],
      [{ containerDefinitions: [container({ memory: 2 ** 31 })] }, 'NUMBER_VALUE can not be converted to an Integer'],
      [{ containerDefinitions: [container({ dockerLabels: [] })] }, 'Start of list found where not expected'],
      [{ containerDefinitions: [container({ dockerLabels: 'x' })] }, 'Expected map or null'],
      [{ containerDefinitions: [container({ dockerLabels: { a: 1 } })] }, 'NUMBER_VALUE can not be converted to a String'],
      [{ containerDefinitions: [container({ command: [{}] })] }, 'Start of structure or map found where not expected.'],
      [{ family: ['web'] }, 'Start of list found where not expected'],
    ];
    for (const [input, message] of cases) {
      expect(ecsError('RegisterTaskDefinition', { family: 'web', ...input }), JSON.stringify(input)).toEqual({
        code: 'SerializationException',
        message,
        status: 400,
      });
    }
  });

  it('checks types before constraints: a type error wins over a missing required member', () => {
    expect(ecsError('RegisterTaskDefinition', { containerDefinitions: 'x' }).code).toBe('SerializationException');
  });

  it('drops null list elements and truncates fractional integers like Coral', () => {
    const out = validateInput(
      ecs,
      'RegisterTaskDefinition',
      { family: 'f', containerDefinitions: [null, container({ memory: 511.9, command: ['a', null, 'b'] })] },
      ECS,
    );
    const defs = out.containerDefinitions as Record<string, unknown>[];
    expect(defs).toHaveLength(1);
    expect(defs[0]!.memory).toBe(511);
    expect(defs[0]!.command).toEqual(['a', 'b']);
  });
});

describe('validateInput: ECS RunTask', () => {
  it('accepts a typical RunTask', () => {
    const input = {
      cluster: 'default',
      taskDefinition: 'web:1',
      count: 2,
      launchType: 'EC2',
      overrides: { containerOverrides: [{ name: 'web', environment: [{ name: 'X', value: 'y' }], cpu: 128 }] },
      networkConfiguration: { awsvpcConfiguration: { subnets: ['s-1'], assignPublicIp: 'DISABLED' } },
      startedBy: 'me',
      tags: [{ key: 'a', value: 'b' }],
      enableExecuteCommand: false,
    };
    expect(validateInput(ecs, 'RunTask', input, ECS)).toEqual(input);
  });

  it('reports the missing taskDefinition, a bad launch type and a bad count together', () => {
    expect(ecsError('RunTask', { launchType: 'FOO', networkConfiguration: { awsvpcConfiguration: {} } })).toEqual({
      code: 'InvalidParameterException',
      message:
        "3 validation errors detected: Value 'FOO' at 'launchType' failed to satisfy constraint: Member must satisfy " +
        'enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]; ' +
        "Value null at 'networkConfiguration.awsvpcConfiguration.subnets' failed to satisfy constraint: " +
        'Member must not be null; ' +
        "Value null at 'taskDefinition' failed to satisfy constraint: Member must not be null",
      status: 400,
    });
    expect(ecsError('RunTask', { taskDefinition: 'x', count: '1' })).toEqual({
      code: 'SerializationException',
      message: 'STRING_VALUE can not be converted to an Integer',
      status: 400,
    });
  });

  it('uses the code passed in for constraint violations', () => {
    const e = fail(() => validateInput(ecs, 'RunTask', {}, { validationErrorCode: 'ValidationException' }));
    expect(e.code).toBe('ValidationException');
    const f = fail(() => validateInput(ecs, 'RunTask', {}, { validationErrorCode: 'InvalidInput' }));
    expect([f.code, f.status]).toEqual(['InvalidInput', 400]);
  });

  it('rejects an operation the model does not have', () => {
    expect(fail(() => validateInput(ecs, 'LaunchRocket', {}, ECS)).code).toBe('UnknownOperationException');
  });
});

describe('validateInput: timestamps, blobs, maps, documents', () => {
  it('turns epoch seconds and ISO 8601 strings into Dates', () => {
    const cw = loadModel('cloudwatch');
    const out = validateInput(
      cw,
      'GetMetricStatistics',
      {
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        StartTime: 1700000000.5,
        EndTime: '2023-11-14T22:13:20Z',
        Period: 60,
        Statistics: ['Average'],
      },
      { validationErrorCode: 'ValidationError' },
    );
    expect(out.StartTime).toEqual(new Date(1700000000500));
    expect(out.EndTime).toEqual(new Date('2023-11-14T22:13:20Z'));
    const e = fail(() =>
      validateInput(cw, 'GetMetricStatistics', { StartTime: 'yesterday' }, { validationErrorCode: 'ValidationError' }),
    );
    expect([e.code, e.message]).toEqual(['SerializationException', 'STRING_VALUE can not be converted to a Timestamp']);
    expect(validateInput(ecs, 'ListServiceDeployments', { service: 's', createdAt: { after: 0 } }, ECS)).toEqual({
      service: 's',
      createdAt: { after: new Date(0) },
    });
  });

  it('decodes base64 blobs into Buffers and rejects bad base64', () => {
    const ecr = loadModel('ecr');
    const opts = { validationErrorCode: 'InvalidParameterException' };
    const base = { repositoryName: 'repo', uploadId: '0f0e0d0c-0b0a-0908-0706-050403020100', partFirstByte: 0, partLastByte: 2 };
    const out = validateInput(ecr, 'UploadLayerPart', { ...base, layerPartBlob: 'YWJj' }, opts);
    expect(out.layerPartBlob).toEqual(Buffer.from('abc'));
    expect(fail(() => validateInput(ecr, 'UploadLayerPart', { ...base, layerPartBlob: 'YWJ' }, opts)).message).toBe(
      "'YWJ' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
    );
    expect(fail(() => validateInput(ecr, 'UploadLayerPart', { ...base, layerPartBlob: 'YW*j' }, opts)).message).toBe(
      "'YW*j' can not be converted to a Blob: Invalid Base64 character: '*'",
    );
  });

  it('checks map sizes and keeps __proto__ keys as plain data', () => {
    const cw = loadModel('cloudwatch');
    const opts = { validationErrorCode: 'ValidationError' };
    const input = { Namespace: 'N', EntityMetricData: [{ Entity: { KeyAttributes: { Type: 'Service' } } }] };
    expect(fail(() => validateInput(cw, 'PutMetricData', input, opts)).message).toBe(
      "1 validation error detected: Value '{Type=Service}' at 'entityMetricData.1.member.entity.keyAttributes' " +
        'failed to satisfy constraint: Member must have length greater than or equal to 2',
    );
    const labels = JSON.parse('{"__proto__": "x", "a": "b"}');
    const out = validateInput(ecs, 'RegisterTaskDefinition', {
      family: 'f',
      containerDefinitions: [container({ dockerLabels: labels })],
    }, ECS);
    const got = (out.containerDefinitions as { dockerLabels: Record<string, string> }[])[0]!.dockerLabels;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__', 'a']);
  });

  it('passes documents through and bounds their depth', () => {
    const hook = (hookDetails: unknown) => ({
      service: 's',
      deploymentConfiguration: { lifecycleHooks: [{ hookTargetArn: 'arn', lifecycleStages: ['PRE_SCALE_UP'], hookDetails }] },
    });
    const out = validateInput(ecs, 'UpdateService', hook({ a: [1, { b: null }] }), ECS);
    expect(out).toEqual(hook({ a: [1, { b: null }] }));
    const deep = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000));
    const e = fail(() => validateInput(ecs, 'UpdateService', hook(deep), ECS));
    expect([e.code, e.message]).toEqual(['SerializationException', 'Request nesting exceeds the maximum depth of 64']);
  });

  it('survives 10,000-deep JSON anywhere in the body without a stack overflow', () => {
    const deepArray = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000));
    const deepObject = JSON.parse('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
    expect(ecsError('RunTask', { taskDefinition: 'x', count: deepArray }).message).toBe(
      'Start of list found where not expected',
    );
    expect(ecsError('RunTask', { taskDefinition: 'x', overrides: { containerOverrides: deepArray } }).message).toBe(
      'Start of list found where not expected',
    );
    expect(validateInput(ecs, 'RunTask', { taskDefinition: 'x', overrides: deepObject }, ECS)).toEqual({
      taskDefinition: 'x',
      overrides: {},
    });
    expect(validateInput(ecs, 'RunTask', { taskDefinition: 'x', unknown: deepObject }, ECS)).toEqual({
      taskDefinition: 'x',
    });
  });
});
