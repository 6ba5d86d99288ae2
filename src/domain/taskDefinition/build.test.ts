import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, fargateTask, registered, rejection, testMeta as meta } from './fixtures.js';

describe('what ECS computes', () => {
  it('fills identity, status and registration metadata', () => {
    const td = registered(ec2Task());
    expect(td).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:3',
      family: 'app',
      revision: 3,
      status: 'ACTIVE',
      registeredAt: meta.registeredAt,
      registeredBy: meta.registeredBy,
      volumes: [],
      placementConstraints: [],
    });
  });

  it('leaves networkMode, requiresCompatibilities and requiresAttributes out when there is nothing to say', () => {
    const td = registered(ec2Task());
    expect('networkMode' in td).toBe(false);
    expect('requiresCompatibilities' in td).toBe(false);
    expect('requiresAttributes' in td).toBe(false);
  });

  it('stores the task size as unit counts', () => {
    const td = registered(fargateTask({ cpu: '0.5 vCPU', memory: '1 GB' }));
    expect([td.cpu, td.memory]).toEqual(['512', '1024']);
  });

  it('does not return the tags', () => {
    expect('tags' in registered(ec2Task({ tags: [{ key: 'team', value: 'a' }] }))).toBe(false);
  });

  it('lists the keys in the order DescribeTaskDefinition does', () => {
    expect(Object.keys(registered(fargateTask({ executionRoleArn: 'arn:aws:iam::1:role/e' })))).toEqual([
      'taskDefinitionArn', 'containerDefinitions', 'family', 'executionRoleArn', 'networkMode', 'revision', 'volumes',
      'status', 'requiresAttributes', 'placementConstraints', 'compatibilities', 'requiresCompatibilities', 'cpu',
      'memory', 'registeredAt', 'registeredBy',
    ]);
  });
});

describe('faithful copy', () => {
  /** Every ContainerDefinition member, set to a value ECS would not change. */
  const everyContainerField: Required<ContainerDefinition> = {
    name: 'app',
    image: 'busybox',
    repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:1:secret:reg' },
    cpu: 128,
    memory: 256,
    memoryReservation: 128,
    links: ['side:alias'],
    portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }],
    essential: true,
    restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 },
    entryPoint: ['sh', '-c'],
    command: ['echo hi'],
    environment: [{ name: 'A', value: '1' }],
    environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/app.env' }],
    mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
    volumesFrom: [{ sourceContainer: 'side', readOnly: true }],
    linuxParameters: { initProcessEnabled: true, capabilities: { add: ['SYS_PTRACE'], drop: ['MKNOD'] } },
    secrets: [{ name: 'S', valueFrom: '/app/s' }],
    dependsOn: [{ containerName: 'side', condition: 'START' }],
    startTimeout: 30,
    stopTimeout: 30,
    versionConsistency: 'disabled',
    hostname: 'app',
    user: '1000:1000',
    workingDirectory: '/srv',
    disableNetworking: false,
    privileged: false,
    readonlyRootFilesystem: true,
    dnsServers: ['127.0.0.53'],
    dnsSearchDomains: ['example.com'],
    extraHosts: [{ hostname: 'db', ipAddress: '127.0.0.13' }],
    dockerSecurityOptions: ['no-new-privileges'],
    interactive: false,
    pseudoTerminal: false,
    dockerLabels: { team: 'a' },
    ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
    logConfiguration: { logDriver: 'json-file', options: { 'max-size': '10m' }, secretOptions: [] },
    healthCheck: { command: ['CMD', 'true'], interval: 10, timeout: 3, retries: 2, startPeriod: 5 },
    systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
    resourceRequirements: [{ type: 'GPU', value: '1' }],
    firelensConfiguration: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true' } },
    credentialSpecs: ['credentialspecdomainless:arn:aws:s3:::bucket/spec.json'],
  };

  const everyField: Required<RegisterTaskDefinitionRequest> = {
    family: 'full',
    taskRoleArn: 'arn:aws:iam::1:role/task',
    executionRoleArn: 'arn:aws:iam::1:role/exec',
    networkMode: 'bridge',
    containerDefinitions: [everyContainerField, container({ name: 'side', essential: false })],
    volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
    requiresCompatibilities: ['EC2'],
    cpu: '1024',
    memory: '2048',
    tags: [{ key: 'k', value: 'v' }],
    pidMode: 'task',
    ipcMode: 'task',
    proxyConfiguration: { type: 'APPMESH', containerName: 'side', properties: [{ name: 'AppPorts', value: '80' }] },
    inferenceAccelerators: [{ deviceName: 'd', deviceType: 'eia2.medium' }],
    ephemeralStorage: { sizeInGiB: 30 },
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    enableFaultInjection: true,
  };

  it('passes every ECS rule, meeting only the refusal of a field Wharf cannot honour', () => {
    expect(rejection(everyField)).toEqual(clientError('proxyConfiguration is not supported by Wharf: App Mesh proxies are not provided by Wharf.'));
  });

  it('keeps every request member but tags', () => {
    const { tags: _tags, ...rest } = everyField;
    expect(registered(everyField)).toMatchObject(rest);
  });

  it('keeps every container member unchanged when ECS has nothing to fill', () => {
    expect(registered(everyField).containerDefinitions![0]).toEqual(everyContainerField);
  });

  it('keeps members this SDK does not know yet', () => {
    const input = ec2Task({ containerDefinitions: [{ ...container(), futureSetting: 1 } as ContainerDefinition] });
    const td = registered({ ...input, futureTaskSetting: 'x' } as RegisterTaskDefinitionRequest);
    expect(td).toHaveProperty('futureTaskSetting', 'x');
    expect(td.containerDefinitions![0]).toHaveProperty('futureSetting', 1);
  });

  it('shares no objects with the request', () => {
    const input = ec2Task({ containerDefinitions: [container({ environment: [{ name: 'A', value: '1' }] })] });
    const td = registered(input);
    input.containerDefinitions![0]!.environment![0]!.value = 'changed';
    expect(td.containerDefinitions![0]!.environment).toEqual([{ name: 'A', value: '1' }]);
  });
});
