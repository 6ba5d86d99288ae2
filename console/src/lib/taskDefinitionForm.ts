// The simple task definition form, written as the RegisterTaskDefinition input the JSON tab shows.

export interface FormState {
  family: string;
  containerName: string;
  image: string;
  port: string;
  command: string;
  cpu: string;
  memory: string;
  networkMode: string;
  launchType: string;
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

export function formToJson(f: FormState): Record<string, unknown> {
  const port = f.port.trim() ? Number(f.port) : undefined;
  return {
    family: f.family.trim(),
    networkMode: f.networkMode,
    requiresCompatibilities: [f.launchType],
    cpu: f.cpu.trim() || undefined,
    memory: f.memory.trim() || undefined,
    containerDefinitions: [
      {
        name: f.containerName.trim(),
        image: f.image.trim(),
        essential: true,
        portMappings: port === undefined ? [] : [{ containerPort: port, protocol: 'tcp' }],
        command: parseCommand(f.command),
      },
    ],
  };
}

