import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { defaultIdleTimeoutSeconds, resolveServiceConnect, servesConnect } from './serviceConnect.js';

const td: TaskDefinition = {
  family: 'api', revision: 3, networkMode: 'awsvpc',
  containerDefinitions: [{ name: 'web', portMappings: [{ name: 'http', containerPort: 8080 }, { containerPort: 9090 }] }],
};
const ns = { arn: 'arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-abc', name: 'apps' };
const find = (ref: string) => (ref === 'apps' || ref === ns.arn ? ns : undefined);

describe('resolveServiceConnect', () => {
  it('completes the configuration: the namespace ARN, discoveryName from portName, dnsName DISCOVERYNAME.NAMESPACE', () => {
    const out = resolveServiceConnect({ enabled: true, namespace: 'apps', services: [{ portName: 'http', clientAliases: [{ port: 80 }] }] }, td, undefined, find);
    expect(out).toEqual({ enabled: true, namespace: ns.arn, services: [{ portName: 'http', discoveryName: 'http', clientAliases: [{ port: 80, dnsName: 'http.apps' }] }] });
    expect(servesConnect(out)).toBe(true);
  });

  it("takes the cluster's default namespace, and a client needs no services", () => {
    const out = resolveServiceConnect({ enabled: true }, td, 'apps', find);
    expect(out).toEqual({ enabled: true, namespace: ns.arn, services: [] });
    expect(servesConnect(out)).toBe(false);
  });

  it("refuses what ECS refuses", () => {
    const bad = (cfg: object, error: string, t: TaskDefinition = td) =>
      expect(() => resolveServiceConnect({ enabled: true, namespace: 'apps', ...cfg }, t, undefined, find)).toThrow(error);
    bad({ namespace: undefined }, 'A namespace must be specified');
    bad({ namespace: 'nowhere' }, 'Failed to retrieve namespace for nowhere');
    bad({ services: [{ portName: 'grpc' }] }, 'The portName grpc in the serviceConnectConfiguration does not match a named port mapping in task definition api:3.');
    bad({ services: [{ portName: 'http' }, { portName: 'http' }] }, 'The discoveryName http is used by more than one');
    bad({ services: [{ portName: 'http', clientAliases: [{ port: 1 }, { port: 2 }] }] }, 'at most one client alias');
    bad({ services: [{ portName: 'http', clientAliases: [{ port: 0 }] }] }, 'between 1 and 65535');
    bad({ services: [{ portName: 'http', clientAliases: [{ port: 80, dnsName: 'bad_name!' }] }] }, 'is not a valid DNS name');
    bad({ services: [{ portName: 'http', discoveryName: '-x' }] }, 'The discoveryName -x is not valid');
    bad({}, 'not supported for tasks that use the host network mode', { ...td, networkMode: 'host' });
    expect(() => resolveServiceConnect({ enabled: false, services: [{ portName: 'http' }] }, td, undefined, find)).toThrow('cannot be specified');
    bad({ services: [{ portName: 'http', ingressPortOverride: 1024 }] }, 'IngressPortOverride cannot use ports <= 1024.');
    bad({ services: [{ portName: 'http', timeout: { perRequestTimeoutSeconds: 0 } }] }, "Per request timeout 0 can't be set for tcp application.");
    const pca = 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/0d2c1f4e-1111-2222-3333-444455556666';
    bad({ services: [{ portName: 'http', tls: { issuerCertificateAuthority: {} } }] }, 'is not a valid AWS Private CA certificate authority ARN');
    bad({ services: [{ portName: 'http', tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: pca }, roleArn: 'role' } }] }, 'is not a valid IAM role ARN');
    bad({ services: [{ portName: 'http', tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: pca } } }] }, 'Wharf has no Private CA');
    try {
      resolveServiceConnect({ enabled: true, namespace: 'apps', services: [{ portName: 'http', tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: pca } } }] }, td, undefined, find);
    } catch (err) {
      expect((err as { name: string }).name).toBe('ClientException');
    }
    const taken = () => true;
    expect(() => resolveServiceConnect({ enabled: true, namespace: 'apps', services: [{ portName: 'http' }] }, td, undefined, find, { operation: 'UpdateService', usedElsewhere: taken }))
      .toThrow(`UpdateService error: SC service is already used by ${ns.arn}`);
  });

  it('takes timeouts within their rules, per request ones only for HTTP, HTTP/2 and gRPC ports, and a high ingress port', () => {
    const http: TaskDefinition = { ...td, containerDefinitions: [{ name: 'web', portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }] }] };
    const out = resolveServiceConnect({ enabled: true, namespace: 'apps', services: [{ portName: 'http', ingressPortOverride: 15000, timeout: { idleTimeoutSeconds: 0, perRequestTimeoutSeconds: 30 } }] }, http, undefined, find);
    expect(out!.services![0]).toMatchObject({ ingressPortOverride: 15000, timeout: { idleTimeoutSeconds: 0, perRequestTimeoutSeconds: 30 } });
    expect(defaultIdleTimeoutSeconds('http')).toBe(300);
    expect(defaultIdleTimeoutSeconds(undefined)).toBe(3600);
  });
});
