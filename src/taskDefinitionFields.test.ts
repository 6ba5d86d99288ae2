// The rule "every field of a task definition takes effect as on ECS, or is refused": walks the ECS model's task
// definition shapes (and RunTask's overrides) and checks each member against the table in
// domain/taskDefinition/fields.ts, then checks that each refusal happens where the table says. A member the model
// gains later fails here until someone decides what Wharf does with it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sdk from '@aws-sdk/client-ecs';
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { unsupported } from './agent/engine/support.js';
import type { AgentTask } from './agent/protocol.js';
import { capabilityAttributes } from './agent/registration.js';
import { requiredAttributes } from './domain/taskDefinition/attributes.js';
import { renderFieldTable, ROOT_SHAPES, TASK_DEFINITION_FIELDS } from './domain/taskDefinition/fields.js';
import { checkRefusedOverrides, REGISTER_REFUSALS, RUN_REFUSALS } from './domain/taskDefinition/refusals.js';
import { validateRegisterTaskDefinition } from './domain/taskDefinition/validate.js';
import { viewOf } from './domain/taskDefinition/view.js';
import ecsModel from './models/ecs.json' with { type: 'json' };

interface ShapeRef { shape: string }
interface Shape { type: string; members?: Record<string, ShapeRef>; member?: ShapeRef; key?: ShapeRef; value?: ShapeRef; required?: string[]; enum?: string[] }
const shapes = (ecsModel as unknown as { shapes: Record<string, Shape> }).shapes;
const DOC = join(import.meta.dirname, '../docs/task-definition-fields.md');

const keyOf = (shape: string, member: string) =>
  shape === 'RegisterTaskDefinitionRequest' && `TaskDefinition.${member}` in TASK_DEFINITION_FIELDS ? `TaskDefinition.${member}` : `${shape}.${member}`;

/** Every `Shape.member` reachable from the roots, in walk order; nothing under a refused or computed member. */
function walk(): { keys: string[]; missing: string[]; structures: string[] } {
  const keys: string[] = [];
  const missing: string[] = [];
  const structures: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const s = shapes[name]!;
    if (s.type === 'list') return visit(s.member!.shape);
    if (s.type === 'map') return visit(s.value!.shape);
    if (s.type !== 'structure') return;
    structures.push(name);
    for (const [member, ref] of Object.entries(s.members ?? {})) {
      const key = keyOf(name, member);
      const rule = TASK_DEFINITION_FIELDS[key];
      if (!rule) missing.push(key);
      else if (!keys.includes(key)) keys.push(key);
      if (rule?.kind === 'honoured') visit(ref.shape);
    }
  };
  for (const root of ROOT_SHAPES) visit(root);
  return { keys, missing, structures };
}

const base = (): RegisterTaskDefinitionRequest => ({
  family: 'fields',
  containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, mountPoints: [{ sourceVolume: 'v', containerPath: '/v' }] }],
  volumes: [{ name: 'v' }],
});

/** A value of the shape with its required members filled: enough to count as "given". */
function sample(name: string): unknown {
  const s = shapes[name]!;
  switch (s.type) {
    case 'structure':
      return Object.fromEntries((s.required?.length ? s.required : Object.keys(s.members ?? {}).slice(0, 1)).map((m) => [m, sample(s.members![m]!.shape)]));
    case 'list':
      return [sample(s.member!.shape)];
    case 'map':
      return { k: 'v' };
    case 'boolean':
      return true;
    case 'integer':
    case 'long':
      return 1;
    default:
      return s.enum?.[0] ?? 'x';
  }
}

const memberShape = (key: string) => {
  const [shape, member] = key.split('.') as [string, string];
  const owner = shape === 'TaskDefinition' ? 'RegisterTaskDefinitionRequest' : shape;
  return shapes[owner]!.members![member]!.shape;
};

describe('task definition fields', () => {
  it('lists every member of the model\'s task definition shapes and RunTask\'s overrides', () => {
    expect(walk().missing).toEqual([]);
  });

  it('lists nothing the model does not have', () => {
    const { keys } = walk();
    expect(Object.keys(TASK_DEFINITION_FIELDS).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('uses a model as new as the @aws-sdk/client-ecs in node_modules', () => {
    const schemas = sdk as unknown as Record<string, unknown[] | undefined>;
    for (const name of walk().structures) {
      const schema = schemas[`${name}$`];
      expect(schema, name).toBeDefined();
      expect(Object.keys(shapes[name]!.members ?? {}).sort(), name).toEqual([...(schema![4] as string[])].sort());
    }
  });

  it('refuses at RegisterTaskDefinition every field the table says it does, naming it', () => {
    const refused = Object.entries(TASK_DEFINITION_FIELDS).filter(([, r]) => r.kind === 'refused' && r.at === 'register').map(([k]) => k);
    const checked = [...Object.keys(REGISTER_REFUSALS.task), ...Object.keys(REGISTER_REFUSALS.container), ...Object.keys(REGISTER_REFUSALS.volume)];
    expect(checked.sort()).toEqual(refused.sort());
    for (const key of refused) {
      const input = base();
      const member = key.split('.')[1]!;
      const value = sample(memberShape(key)) as Record<string, unknown>;
      if (typeof value === 'object' && value && 'containerName' in value) value.containerName = 'app';
      if (key.startsWith('TaskDefinition.')) Object.assign(input, { [member]: value });
      else if (key.startsWith('ContainerDefinition.')) Object.assign(input.containerDefinitions![0]!, { [member]: value });
      else Object.assign(input.volumes![0]!, { [member]: value });
      expect(() => validateRegisterTaskDefinition(input), key).toThrow(new RegExp(`^${member} is not supported by Wharf: `));
      try {
        validateRegisterTaskDefinition(input);
      } catch (err) {
        expect((err as { code?: string; name?: string }).name ?? '', key).toMatch(/ClientException|AwsError/);
      }
    }
    expect(() => validateRegisterTaskDefinition(base())).not.toThrow();
  });

  it('refuses at RunTask every override the table says it does, naming it', () => {
    const refused = Object.entries(TASK_DEFINITION_FIELDS).filter(([, r]) => r.kind === 'refused' && r.at === 'run').map(([k]) => k);
    expect(Object.keys(RUN_REFUSALS).sort()).toEqual(refused.sort());
    for (const key of refused) {
      const member = key.split('.')[1]!;
      const value = sample(memberShape(key));
      const overrides = key.startsWith('ContainerOverride.') ? { containerOverrides: [{ name: 'app', [member]: value }] } : { [member]: value };
      expect(() => checkRefusedOverrides(overrides), key).toThrow(new RegExp(`^${member} is not supported by Wharf: `));
    }
    expect(() => checkRefusedOverrides({ containerOverrides: [{ name: 'app', command: ['true'] }], cpu: '256' })).not.toThrow();
  });

  it('has the agent refuse at launch every field the table says it does, naming it', () => {
    const refused = Object.entries(TASK_DEFINITION_FIELDS).filter(([, r]) => r.kind === 'refused' && r.at === 'launch').map(([k]) => k);
    for (const key of refused) {
      const [shape, member] = key.split('.') as [string, string];
      const input = base();
      const value = sample(memberShape(key));
      if (shape === 'ContainerDefinition') Object.assign(input.containerDefinitions![0]!, { [member]: value });
      else if (shape === 'Volume') Object.assign(input.volumes![0]!, { [member]: value });
      else if (shape === 'LogConfiguration') input.containerDefinitions![0]!.logConfiguration = { logDriver: 'json-file', [member]: value };
      else throw new Error(`no launch check for ${key}`);
      const task: AgentTask = {
        taskArn: 'arn:aws:ecs:us-east-1:0:task/c/t', clusterArn: 'c', family: 'fields', revision: 1, desiredStatus: 'RUNNING', launchType: 'EC2',
        networkMode: 'bridge', volumes: input.volumes!, containers: input.containerDefinitions!.map((d) => ({ name: d.name!, containerArn: 'a', definition: d, hostPorts: [] })),
      };
      expect(unsupported(task, { allowPrivileged: false }), key).toContain(member);
    }
  });

  it('needs an attribute no agent advertises for every field refused at placement', () => {
    const advertised = new Set(capabilityAttributes('1.41', '127.0.0.1').map((a) => a.name));
    const refused = Object.entries(TASK_DEFINITION_FIELDS).filter(([, r]) => r.kind === 'refused' && r.at === 'placement').map(([k]) => k);
    const uses: Record<string, (input: RegisterTaskDefinitionRequest) => void> = {};
    expect(Object.keys(uses).sort()).toEqual([...refused].sort());
    for (const key of refused) {
      const input = base();
      uses[key]!(input);
      const needed = requiredAttributes(viewOf(input)).map((a) => a.name!);
      expect(needed.filter((n) => !advertised.has(n)), key).not.toEqual([]);
    }
  });

  it('is what docs/task-definition-fields.md says', () => {
    const text = renderFieldTable(walk().keys);
    if (process.env.WHARF_WRITE_DOCS) writeFileSync(DOC, text);
    expect(readFileSync(DOC, 'utf8')).toBe(text);
  });
});
