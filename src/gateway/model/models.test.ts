// Why this exists: guards the committed models: each loads and compiles completely (every shape reachable, every
// pattern a working RegExp), keeps the metadata the gateway routes by, and matches what the generator writes today.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileModel, compilePattern, loadModel } from './index.js';
import type { ModelName } from './types.js';

const NAMES: ModelName[] = ['ecs', 'elbv2', 'cloudwatch', 'ecr', 'logs', 'autoscaling', 'servicediscovery', 'secretsmanager', 'ssm', 'iam', 'sts', 'efs'];
const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');

describe('committed service models', () => {
  it.each(NAMES)('%s loads once and compiles every operation', (name) => {
    const model = loadModel(name);
    expect(loadModel(name)).toBe(model);
    const compiled = compileModel(model);
    expect(compiled.operations.size).toBe(Object.keys(model.operations).length);
    expect(compileModel(model)).toBe(compiled);
    for (const shape of Object.values(model.shapes)) {
      if (shape.pattern !== undefined) expect(compilePattern(shape.pattern), shape.pattern).toBeInstanceOf(RegExp);
    }
  });

  it('keeps the metadata the gateway routes and answers by', () => {
    expect(loadModel('ecs').metadata).toMatchObject({
      protocol: 'json',
      jsonVersion: '1.1',
      targetPrefix: 'AmazonEC2ContainerServiceV20141113',
      signingName: 'ecs',
    });
    expect(loadModel('elbv2').metadata).toMatchObject({
      protocol: 'query',
      apiVersion: '2015-12-01',
      endpointPrefix: 'elasticloadbalancing',
      xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    });
    expect(loadModel('cloudwatch').metadata).toMatchObject({
      apiVersion: '2010-08-01',
      endpointPrefix: 'monitoring',
      targetPrefix: 'GraniteServiceVersion20100801',
      xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
      awsQueryCompatible: true,
    });
    expect(loadModel('cloudwatch').metadata.protocols).toContain('query');
    expect(loadModel('logs').metadata.targetPrefix).toBe('Logs_20140328');
    expect(loadModel('autoscaling').metadata.targetPrefix).toBe('AnyScaleFrontendService');
    expect(loadModel('secretsmanager').metadata).toMatchObject({ targetPrefix: 'secretsmanager', signingName: 'secretsmanager' });
    expect(loadModel('ssm').metadata).toMatchObject({ targetPrefix: 'AmazonSSM', endpointPrefix: 'ssm' });
  });

  it('translates Java-only pattern syntax and anchors patterns like Coral', () => {
    expect(compilePattern('\\p{Print}+')!.test('abc ~')).toBe(true);
    expect(compilePattern('\\p{Print}+')!.test('a\u0001')).toBe(false);
    expect(compilePattern('[0-9]{12}')!.test('1234567890123')).toBe(false);
    expect(compilePattern('[\\w-_]*')!.test('a-b_c')).toBe(true);
  });

  const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasBotocore)('match what scripts/gen-models.mjs generates from the installed botocore', () => {
    const out = mkdtempSync(join(tmpdir(), 'wharf-models-'));
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-models.mjs'), '--out', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const files = readdirSync(out).sort();
      expect(files).toEqual(NAMES.map((n) => `${n}.json`).sort());
      for (const f of files) {
        expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(ROOT, 'src/models', f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
