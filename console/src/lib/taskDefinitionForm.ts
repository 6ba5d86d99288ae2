// The task definition form, written as the RegisterTaskDefinition input the JSON tab shows: task-level settings and
// one or more containers (image, port, command, environment, awslogs logging, health check). A new revision starts
// from the old one's JSON (`base`): the form's fields replace theirs and whatever the form has no field for is kept.

export interface ContainerForm {
  name: string;
  image: string;
  port: string;
  command: string;
  essential: boolean;
  /** KEY=value, one a line. */
  environment: string;
  /** The awslogs group; empty for no log configuration. */
  logGroup: string;
  logStreamPrefix: string;
  /** The health check's command, as CMD-SHELL text; empty for none. */
  healthCommand: string;
  healthInterval: string;
  healthRetries: string;
}

export interface FormState {
  family: string;
  cpu: string;
  memory: string;
  networkMode: string;
  launchType: string;
  /** The task execution role (FARGATE needs one for awslogs and registry credentials); empty for none. */
  executionRoleArn: string;
  containers: ContainerForm[];
}

export function emptyContainer(): ContainerForm {
  return { name: '', image: '', port: '80', command: '', essential: true, environment: '', logGroup: '', logStreamPrefix: '', healthCommand: '', healthInterval: '30', healthRetries: '3' };
}

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not take. */
export const READ_ONLY = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'];

/** A command as ECS's console takes it: a JSON array, or comma-separated words. */
function parseCommand(s: string): string[] | undefined {
  const t = s.trim();
  if (!t) return undefined;
  if (t.startsWith('[')) return JSON.parse(t) as string[];
  return t.split(',').map((w) => w.trim());
}

function parseEnvironment(s: string): { name: string; value: string }[] | undefined {
  const out = s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? { name: l, value: '' } : { name: l.slice(0, eq).trim(), value: l.slice(eq + 1) };
    });
  return out.length ? out : undefined;
}

type Json = Record<string, unknown>;

function containerToJson(c: ContainerForm, base: Json = {}, region: string): Json {
  const port = c.port.trim() ? Number(c.port) : undefined;
  const out: Json = {
    ...base,
    name: c.name.trim(),
    image: c.image.trim(),
    essential: c.essential,
    portMappings: port === undefined ? [] : [{ containerPort: port, protocol: 'tcp' }],
    command: parseCommand(c.command),
    environment: parseEnvironment(c.environment),
    logConfiguration: c.logGroup.trim()
      ? {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': c.logGroup.trim(),
            'awslogs-region': region,
            ...(c.logStreamPrefix.trim() ? { 'awslogs-stream-prefix': c.logStreamPrefix.trim() } : {}),
            'awslogs-create-group': 'true',
          },
        }
      : undefined,
    healthCheck: c.healthCommand.trim()
      ? { command: ['CMD-SHELL', c.healthCommand.trim()], interval: Number(c.healthInterval) || 30, retries: Number(c.healthRetries) || 3 }
      : undefined,
  };
  return out;
}

export function formToJson(f: FormState, base: Json = {}, region = 'us-east-1'): Json {
  const baseContainers = (base.containerDefinitions as Json[] | undefined) ?? [];
  return {
    ...base,
    family: f.family.trim(),
    networkMode: f.networkMode,
    requiresCompatibilities: [f.launchType],
    cpu: f.cpu.trim() || undefined,
    memory: f.memory.trim() || undefined,
    executionRoleArn: f.executionRoleArn.trim() || undefined,
    containerDefinitions: f.containers.map((c) => containerToJson(c, baseContainers.find((b) => b.name === c.name.trim()), region)),
  };
}

/** The form's view of a registered task definition (for a new revision from it). */
export function jsonToForm(td: Json): FormState {
  const containers = ((td.containerDefinitions as Json[] | undefined) ?? []).map((c): ContainerForm => {
    const ports = (c.portMappings as { containerPort?: number }[] | undefined) ?? [];
    const env = (c.environment as { name: string; value: string }[] | undefined) ?? [];
    const log = c.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
    const hc = c.healthCheck as { command?: string[]; interval?: number; retries?: number } | undefined;
    const hcCommand = hc?.command ?? [];
    return {
      name: String(c.name ?? ''),
      image: String(c.image ?? ''),
      port: ports[0]?.containerPort !== undefined ? String(ports[0].containerPort) : '',
      command: c.command ? JSON.stringify(c.command) : '',
      essential: c.essential !== false,
      environment: env.map((e) => `${e.name}=${e.value}`).join('\n'),
      logGroup: log?.logDriver === 'awslogs' ? (log.options?.['awslogs-group'] ?? '') : '',
      logStreamPrefix: log?.logDriver === 'awslogs' ? (log.options?.['awslogs-stream-prefix'] ?? '') : '',
      healthCommand: hcCommand[0] === 'CMD-SHELL' ? hcCommand.slice(1).join(' ') : hcCommand[0] === 'CMD' ? hcCommand.slice(1).join(' ') : '',
      healthInterval: String(hc?.interval ?? 30),
      healthRetries: String(hc?.retries ?? 3),
    };
  });
  return {
    family: String(td.family ?? ''),
    cpu: td.cpu ? String(td.cpu) : '',
    memory: td.memory ? String(td.memory) : '',
    networkMode: String(td.networkMode ?? 'bridge'),
    launchType: ((td.requiresCompatibilities as string[] | undefined) ?? ['EC2'])[0] ?? 'EC2',
    executionRoleArn: td.executionRoleArn ? String(td.executionRoleArn) : '',
    containers: containers.length ? containers : [emptyContainer()],
  };
}
