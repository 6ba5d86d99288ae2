// The ECR API through the Debian aws CLI: repositories and their errors, the layer upload API, put/get/delete of
// images, lifecycle policies that really expire images (and their preview), repository policies, tags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryWharf, type RegistryWharf } from './registryHarness.js';
import { pushImage, sha } from './registryOci.js';

let w: RegistryWharf;
let pw: string;
const fail = async (...args: string[]) => (await w.awsRaw(args)).stderr;

beforeAll(async () => {
  w = await startRegistryWharf();
  await w.aws('ecr', 'create-repository', '--repository-name', 'api', '--image-scanning-configuration', 'scanOnPush=true', '--image-tag-mutability', 'IMMUTABLE');
  pw = (await w.awsRaw(['ecr', 'get-login-password'])).stdout.trim();
});
afterAll(() => w?.stop());

describe('repositories', () => {
  it('stores the settings and answers ECR errors', async () => {
    const { repositories } = await w.aws('ecr', 'describe-repositories', '--repository-names', 'api');
    expect(repositories[0]).toMatchObject({
      repositoryName: 'api', repositoryUri: `${w.host}/api`, imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(await fail('ecr', 'create-repository', '--repository-name', 'api')).toContain('RepositoryAlreadyExistsException');
    expect(await fail('ecr', 'describe-repositories', '--repository-names', 'nope')).toContain('RepositoryNotFoundException');
    expect(await fail('ecr', 'create-repository', '--repository-name', 'a/../b')).toContain('InvalidParameterException');
    const token = await w.aws('ecr', 'get-authorization-token');
    const data = token.authorizationData[0];
    expect(Buffer.from(data.authorizationToken, 'base64').toString()).toMatch(/^AWS:/);
    expect(data.proxyEndpoint).toBe(`http://${w.host}`);
    const hours = (new Date(data.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
  });

  it('refuses to delete a repository with images unless forced', async () => {
    await w.aws('ecr', 'create-repository', '--repository-name', 'doomed');
    await pushImage(w, pw, 'doomed', 'v1', 'doomed');
    expect(await fail('ecr', 'delete-repository', '--repository-name', 'doomed')).toContain('RepositoryNotEmptyException');
    const out = await w.aws('ecr', 'delete-repository', '--repository-name', 'doomed', '--force');
    expect(out.repository.repositoryName).toBe('doomed');
    expect(await fail('ecr', 'list-images', '--repository-name', 'doomed')).toContain('RepositoryNotFoundException');
  });
});

describe('layers and images', () => {
  it('uploads a layer in parts, checks it, and refuses a second upload and a wrong digest', async () => {
    const dir = mkdtempSync(join(w.dataDir, 'parts-'));
    const data = Buffer.from('a layer uploaded through the ECR API'.repeat(100));
    writeFileSync(join(dir, 'p1'), data.subarray(0, 1000));
    writeFileSync(join(dir, 'p2'), data.subarray(1000));
    const { uploadId } = await w.aws('ecr', 'initiate-layer-upload', '--repository-name', 'api');
    await w.aws('ecr', 'upload-layer-part', '--repository-name', 'api', '--upload-id', uploadId, '--part-first-byte', '0', '--part-last-byte', '999', '--layer-part-blob', `fileb://${join(dir, 'p1')}`);
    expect(await fail('ecr', 'upload-layer-part', '--repository-name', 'api', '--upload-id', uploadId, '--part-first-byte', '5', '--part-last-byte', '1004', '--layer-part-blob', `fileb://${join(dir, 'p1')}`)).toContain('InvalidLayerPartException');
    await w.aws('ecr', 'upload-layer-part', '--repository-name', 'api', '--upload-id', uploadId, '--part-first-byte', '1000', '--part-last-byte', String(data.length - 1), '--layer-part-blob', `fileb://${join(dir, 'p2')}`);
    const done = await w.aws('ecr', 'complete-layer-upload', '--repository-name', 'api', '--upload-id', uploadId, '--layer-digests', sha(data));
    expect(done.layerDigest).toBe(sha(data));
    const check = await w.aws('ecr', 'batch-check-layer-availability', '--repository-name', 'api', '--layer-digests', sha(data), sha('missing'));
    expect(check.layers[0]).toMatchObject({ layerAvailability: 'AVAILABLE', layerSize: data.length });
    expect(check.failures[0]).toMatchObject({ failureCode: 'MissingLayerDigest' });
    const again = await w.aws('ecr', 'initiate-layer-upload', '--repository-name', 'api');
    await w.aws('ecr', 'upload-layer-part', '--repository-name', 'api', '--upload-id', again.uploadId, '--part-first-byte', '0', '--part-last-byte', '999', '--layer-part-blob', `fileb://${join(dir, 'p1')}`);
    expect(await fail('ecr', 'complete-layer-upload', '--repository-name', 'api', '--upload-id', again.uploadId, '--layer-digests', sha(data))).toContain('LayerAlreadyExistsException');
    const third = await w.aws('ecr', 'initiate-layer-upload', '--repository-name', 'api');
    await w.aws('ecr', 'upload-layer-part', '--repository-name', 'api', '--upload-id', third.uploadId, '--part-first-byte', '0', '--part-last-byte', '999', '--layer-part-blob', `fileb://${join(dir, 'p1')}`);
    expect(await fail('ecr', 'complete-layer-upload', '--repository-name', 'api', '--upload-id', third.uploadId, '--layer-digests', sha('other'))).toContain('InvalidLayerException');
    const url = await w.aws('ecr', 'get-download-url-for-layer', '--repository-name', 'api', '--layer-digest', sha(data));
    expect(Buffer.from(await (await fetch(url.downloadUrl)).arrayBuffer())).toEqual(data);
    // Another first character of the signature (a fixed one would sometimes be the same).
    const tampered = url.downloadUrl.replace(/Signature=(.)/, (_: string, c: string) => `Signature=${c === 'x' ? 'y' : 'x'}`);
    expect(tampered).not.toBe(url.downloadUrl);
    expect((await fetch(tampered)).status).toBe(401);
  });

  it('puts, gets, describes and deletes images', async () => {
    const img = await pushImage(w, pw, 'api', 'base', 'api-base');
    const missing = JSON.stringify({ ...JSON.parse(img.body), layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha('x'), size: 1 }] });
    expect(await fail('ecr', 'put-image', '--repository-name', 'api', '--image-tag', 'broken', '--image-manifest', missing)).toContain('LayersNotFoundException');
    expect(await fail('ecr', 'put-image', '--repository-name', 'api', '--image-tag', 'base', '--image-manifest', img.body)).toContain('ImageAlreadyExistsException');
    expect(await fail('ecr', 'put-image', '--repository-name', 'api', '--image-digest', sha('x'), '--image-manifest', img.body)).toContain('ImageDigestDoesNotMatchException');
    await w.aws('ecr', 'put-image', '--repository-name', 'api', '--image-tag', 'second', '--image-manifest', img.body);
    const listed = await w.aws('ecr', 'list-images', '--repository-name', 'api');
    expect(listed.imageIds).toEqual(expect.arrayContaining([{ imageDigest: img.digest, imageTag: 'base' }, { imageDigest: img.digest, imageTag: 'second' }]));
    const got = await w.aws('ecr', 'batch-get-image', '--repository-name', 'api', '--image-ids', 'imageTag=second', 'imageTag=ghost');
    expect(got.images[0].imageManifest).toBe(img.body);
    expect(got.failures[0]).toMatchObject({ failureCode: 'ImageNotFound' });
    expect(await fail('ecr', 'describe-images', '--repository-name', 'api', '--image-ids', 'imageTag=ghost')).toContain('ImageNotFoundException');
    const del = await w.aws('ecr', 'batch-delete-image', '--repository-name', 'api', '--image-ids', 'imageTag=second');
    expect(del.imageIds).toEqual([{ imageDigest: img.digest, imageTag: 'second' }]);
    const still = await w.aws('ecr', 'describe-images', '--repository-name', 'api', '--image-ids', `imageDigest=${img.digest}`);
    expect(still.imageDetails[0].imageTags).toEqual(['base']);
    await w.aws('ecr', 'batch-delete-image', '--repository-name', 'api', '--image-ids', `imageDigest=${img.digest}`);
    expect((await w.aws('ecr', 'list-images', '--repository-name', 'api')).imageIds).toEqual([]);
  });
});

describe('lifecycle policies, repository policies, tags', () => {
  const policy = JSON.stringify({ rules: [
    { rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
    { rulePriority: 2, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
  ] });

  it('previews and then really expires images', async () => {
    await w.aws('ecr', 'create-repository', '--repository-name', 'life');
    for (const t of ['prod-1', 'prod-2', 'dev-1', 'dev-2', 'dev-3']) {
      await pushImage(w, pw, 'life', t, t);
      await new Promise((r) => setTimeout(r, 5));
    }
    await w.aws('ecr', 'start-lifecycle-policy-preview', '--repository-name', 'life', '--lifecycle-policy-text', policy);
    const preview = await w.aws('ecr', 'get-lifecycle-policy-preview', '--repository-name', 'life');
    expect(preview.summary.expiringImageTotalCount).toBe(3);
    expect(preview.previewResults.map((p: { imageTags: string[] }) => p.imageTags[0]).sort()).toEqual(['dev-1', 'dev-2', 'prod-1']);
    expect((await w.aws('ecr', 'list-images', '--repository-name', 'life')).imageIds).toHaveLength(5);
    await w.aws('ecr', 'put-lifecycle-policy', '--repository-name', 'life', '--lifecycle-policy-text', policy);
    const left = (await w.aws('ecr', 'list-images', '--repository-name', 'life')).imageIds.map((i: { imageTag: string }) => i.imageTag).sort();
    expect(left).toEqual(['dev-3', 'prod-2']);
    expect((await w.aws('ecr', 'get-lifecycle-policy', '--repository-name', 'life')).lifecyclePolicyText).toBe(policy);
    await w.aws('ecr', 'delete-lifecycle-policy', '--repository-name', 'life');
    expect(await fail('ecr', 'get-lifecycle-policy', '--repository-name', 'life')).toContain('LifecyclePolicyNotFoundException');
    const bad = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] });
    expect(await fail('ecr', 'put-lifecycle-policy', '--repository-name', 'life', '--lifecycle-policy-text', bad)).toContain('InvalidParameterException');
  });

  it('stores repository policies and tags', async () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] });
    await w.aws('ecr', 'set-repository-policy', '--repository-name', 'api', '--policy-text', text);
    expect(JSON.parse((await w.aws('ecr', 'get-repository-policy', '--repository-name', 'api')).policyText)).toEqual(JSON.parse(text));
    await w.aws('ecr', 'delete-repository-policy', '--repository-name', 'api');
    expect(await fail('ecr', 'get-repository-policy', '--repository-name', 'api')).toContain('RepositoryPolicyNotFoundException');
    const arn = 'arn:aws:ecr:us-east-1:000000000000:repository/api';
    await w.aws('ecr', 'tag-resource', '--resource-arn', arn, '--tags', 'Key=team,Value=web', 'Key=env,Value=dev');
    await w.aws('ecr', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'env');
    expect((await w.aws('ecr', 'list-tags-for-resource', '--resource-arn', arn)).tags).toEqual([{ Key: 'team', Value: 'web' }]);
  });
});
