import { describe, expect, it } from 'vitest';
import { jsonKeyOf, parameterArnOf, parseValueFrom } from './valueFrom.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf';

describe('valueFrom', () => {
  it('reads a Secrets Manager ARN with and without its suffixes', () => {
    expect(parseValueFrom(ARN)).toEqual({ store: 'asm', secretArn: ARN });
    expect(parseValueFrom(`${ARN}:password::`)).toEqual({ store: 'asm', secretArn: ARN, jsonKey: 'password' });
    expect(parseValueFrom(`${ARN}::AWSPREVIOUS:`)).toEqual({ store: 'asm', secretArn: ARN, versionStage: 'AWSPREVIOUS' });
    expect(parseValueFrom(`${ARN}:k::v-1`)).toEqual({ store: 'asm', secretArn: ARN, jsonKey: 'k', versionId: 'v-1' });
  });

  it('takes anything else for a parameter, and names its ARN', () => {
    expect(parseValueFrom('/app/db')).toEqual({ store: 'ssm', name: '/app/db' });
    const arn = 'arn:aws:ssm:us-east-1:000000000000:parameter/app/db';
    expect(parseValueFrom(arn)).toEqual({ store: 'ssm', name: arn });
    expect(parameterArnOf('/app/db', 'us-east-1', '000000000000')).toBe(arn);
    expect(parameterArnOf('plain', 'eu-west-1', '1')).toBe('arn:aws:ssm:eu-west-1:1:parameter/plain');
    expect(parameterArnOf(arn, 'eu-west-1', '1')).toBe(arn);
  });

  it('takes top-level JSON keys only', () => {
    const doc = JSON.stringify({ a: 'x', n: 3, o: { b: 1 } });
    expect(jsonKeyOf(doc, 'a')).toBe('x');
    expect(jsonKeyOf(doc, 'n')).toBe('3');
    expect(jsonKeyOf(doc, 'o')).toBe('{"b":1}');
    expect(jsonKeyOf(doc, 'b')).toBeUndefined();
    expect(jsonKeyOf('not json', 'a')).toBeUndefined();
    expect(jsonKeyOf('[1]', '0')).toBeUndefined();
  });
});
