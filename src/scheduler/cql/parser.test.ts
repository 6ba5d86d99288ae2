import { describe, expect, it } from 'vitest';
import { parseExpression } from './parser.js';
import type { Comparison, Expression } from './ast.js';

function parse(text: string): Expression {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(r.error);
  return r.expression;
}

function error(text: string): string {
  const r = parseExpression(text);
  if (r.ok) throw new Error(`expected "${text}" to fail`);
  return r.error;
}

describe('parseExpression: ECS documented examples', () => {
  // Every example of ECS's cluster query language and task placement constraint pages.
  const examples = [
    'attribute:ecs.instance-type == t2.small',
    'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]',
    'attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d',
    'task:group == service:production',
    'not(task:group == database)',
    'runningTasksCount == 1',
    'agentVersion < 1.14.5',
    'registeredAt < 2018-02-13',
    "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
    'attribute:ecs.instance-type == g2.2xlarge',
    'attribute:stack == prod',
    'attribute:stack != prod',
    'attribute:ecs.instance-type in [t2.small, t2.medium]',
    'attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a',
    'attribute:ecs.instance-type =~ t2.*',
    'task:group == databases',
  ];
  it.each(examples)('%s', (text) => {
    expect(parseExpression(text).ok).toBe(true);
  });
});

describe('parseExpression: shapes', () => {
  it('reads subject, operator and value', () => {
    expect(parse('attribute:ecs.instance-type == t2.small')).toEqual({
      kind: 'compare',
      subject: { kind: 'attribute', name: 'ecs.instance-type' },
      op: '==',
      value: { text: 't2.small' },
    });
  });

  it('accepts every operator in symbol and word form', () => {
    const pairs: [string, string][] = [
      ['==', 'equals'], ['!=', 'not_equals'], ['>', 'greater_than'], ['>=', 'greater_than_equal'],
      ['<', 'less_than'], ['<=', 'less_than_equal'], ['=~', 'matches'], ['!~', 'not_matches'],
    ];
    for (const [sym, word] of pairs) {
      const a = parse(`attribute:x ${sym} 5`) as Comparison;
      const b = parse(`attribute:x ${word} 5`) as Comparison;
      expect(a.op).toBe(sym);
      expect(b.op).toBe(sym);
    }
    expect((parse('attribute:x exists') as Comparison).op).toBe('exists');
    expect((parse('attribute:x !exists') as Comparison).op).toBe('!exists');
    expect((parse('attribute:x not_exists') as Comparison).op).toBe('!exists');
    expect((parse('attribute:x !in [a]') as Comparison).op).toBe('!in');
    expect((parse('attribute:x not_in [a, b]') as Comparison).list).toEqual([{ text: 'a' }, { text: 'b' }]);
  });

  it('needs no spaces around symbols', () => {
    expect(parse('attribute:stack!=prod')).toEqual(parse('attribute:stack != prod'));
    expect(parse('runningTasksCount>=2')).toEqual(parse('runningTasksCount >= 2'));
  });

  it('binds not tighter than and, and tighter than or', () => {
    const e = parse('attribute:a == 1 or attribute:b == 2 and not attribute:c == 3');
    expect(e.kind).toBe('or');
    if (e.kind !== 'or') return;
    expect(e.right.kind).toBe('and');
    if (e.right.kind !== 'and') return;
    expect(e.right.right.kind).toBe('not');
  });

  it('honours parentheses and the symbolic boolean operators', () => {
    const words = parse('(attribute:a == 1 or attribute:b == 2) and attribute:c == 3');
    const symbols = parse('(attribute:a == 1 || attribute:b == 2) && attribute:c == 3');
    expect(words).toEqual(symbols);
    expect(words.kind).toBe('and');
    expect(parse('!(attribute:a == 1)')).toEqual(parse('not (attribute:a == 1)'));
    expect(parse('attribute:a == 1&&attribute:b == 2').kind).toBe('and');
  });

  it('accepts keywords in any case', () => {
    expect(parse('attribute:a == 1 AND attribute:b == 2').kind).toBe('and');
    expect(parse('NOT attribute:a == 1').kind).toBe('not');
  });

  it('reads quoted values with spaces and escaped quotes', () => {
    expect((parse(`attribute:team == 'data platform'`) as Comparison).value?.text).toBe('data platform');
    expect((parse(`attribute:q == "say \\"hi\\""`) as Comparison).value?.text).toBe('say "hi"');
  });

  it('keeps regex groups with the value, even inside an outer group', () => {
    const e = parse('not(attribute:ecs.instance-type =~ (t2|m5).*)') as Extract<Expression, { kind: 'not' }>;
    const c = e.operand as Comparison;
    expect(c.value?.text).toBe('(t2|m5).*');
    expect(c.regex?.test('m5.large')).toBe(true);
    expect(c.regex?.test('c5.large')).toBe(false);
  });

  it('matches the whole value, as Java does', () => {
    const c = parse('attribute:ecs.instance-type =~ t2.*') as Comparison;
    expect(c.regex?.test('t2.micro')).toBe(true);
    expect(c.regex?.test('xt2.micro')).toBe(false);
  });

  it('converts registeredAt dates in all four documented forms', () => {
    const at = (v: string) => (parse(`registeredAt > ${v}`) as Comparison).value?.number;
    expect(at('2018-06-18T22:28:28+00:00')).toBe(Date.UTC(2018, 5, 18, 22, 28, 28));
    expect(at('2018-06-18T22:28:28Z')).toBe(Date.UTC(2018, 5, 18, 22, 28, 28));
    expect(at('2018-06-18T22:28:28')).toBe(Date.UTC(2018, 5, 18, 22, 28, 28));
    expect(at('2018-06-18')).toBe(Date.UTC(2018, 5, 18));
    expect(at('2018-06-18T22:28:28+02:00')).toBe(Date.UTC(2018, 5, 18, 20, 28, 28));
  });

  it('allows an empty argument list', () => {
    expect((parse('attribute:a in []') as Comparison).list).toEqual([]);
  });
});

describe('parseExpression: errors', () => {
  it.each([
    ['', /empty expression/],
    ['   ', /empty expression/],
    ['attribute:stack', /expected an operator after attribute:stack/],
    ['attribute:stack ==', /expected a value after ==/],
    ['attribute: == x', /attribute name/],
    ['instanceType == t2', /unknown subject "instanceType"/],
    ['attribute:a == 1 and', /expected an expression/],
    ['(attribute:a == 1', /expected "\)"/],
    ['attribute:a == 1)', /unexpected "\)"/],
    ['attribute:a in [x, y', /expected "," or "\]"/],
    ['attribute:a in x', /expected "\[" to open/],
    ["attribute:a == 'open", /unterminated quoted value/],
    ['attribute:a =~ (unclosed', /invalid regular expression/],
    ['runningTasksCount == many', /runningTasksCount needs a whole number/],
    ['registeredAt < yesterday', /registeredAt needs a date/],
    ['agentConnected == maybe', /agentConnected is true or false/],
    ['runningTasksCount in [1, 2]', /operator in is not valid for runningTasksCount/],
    ['ec2InstanceId > i-1', /operator > is not valid for ec2InstanceId/],
    ['attribute:a constructor b', /expected an operator/],
    ['attribute:a == 1 attribute:b == 2', /unexpected "attribute:"/],
  ])('%j fails with a clear message', (text, message) => {
    expect(error(text)).toMatch(message);
  });

  it('says where the problem is', () => {
    const r = parseExpression('attribute:stack = prod');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.position).toBe(16);
      expect(r.error).toContain('position 17');
    }
  });
});
