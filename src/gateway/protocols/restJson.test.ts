// The REST-JSON codec against the EFS model: operations by method and path, members from every location.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/index.js';
import { matchRoute, responseCodeOf, restJsonInput } from './restJson.js';

const efs = loadModel('efs');

describe('REST-JSON routing', () => {
  it('finds operations by method and path, literal paths before labels', () => {
    expect(matchRoute(efs, 'POST', '/2015-02-01/file-systems').operation).toBe('CreateFileSystem');
    expect(matchRoute(efs, 'GET', '/2015-02-01/file-systems?MaxItems=2').operation).toBe('DescribeFileSystems');
    expect(matchRoute(efs, 'DELETE', '/2015-02-01/file-systems/fs-1')).toEqual({ operation: 'DeleteFileSystem', labels: { FileSystemId: 'fs-1' } });
    expect(matchRoute(efs, 'GET', '/2015-02-01/file-systems/replication-configurations').operation).toBe('DescribeReplicationConfigurations');
    expect(() => matchRoute(efs, 'PATCH', '/2015-02-01/file-systems')).toThrow(/No operation/);
    expect(responseCodeOf(efs, 'CreateFileSystem')).toBe(201);
    expect(responseCodeOf(efs, 'DeleteFileSystem')).toBe(204);
  });

  it('gathers URI labels, typed query parameters and lists, and the body', () => {
    const list = restJsonInput(efs, 'GET', '/2015-02-01/mount-targets?FileSystemId=fs-1&MaxItems=5', {}, Buffer.alloc(0));
    expect(list.raw).toEqual({ FileSystemId: 'fs-1', MaxItems: 5 });
    const untag = restJsonInput(efs, 'DELETE', '/2015-02-01/resource-tags/fs-1?tagKeys=a&tagKeys=b', {}, Buffer.alloc(0));
    expect(untag.raw).toEqual({ ResourceId: 'fs-1', TagKeys: ['a', 'b'] });
    const put = restJsonInput(efs, 'PUT', '/2015-02-01/file-systems/fs-1', {}, Buffer.from('{"ThroughputMode":"elastic","FileSystemId":"fs-evil"}'));
    expect(put.raw).toEqual({ ThroughputMode: 'elastic', FileSystemId: 'fs-1' });
  });
});
