// The cluster query language's syntax tree. Literals are converted once at parse time (dates to epoch ms,
// counts to numbers, regexes compiled) so evaluating an expression against thousands of instances does no parsing.

export type Subject =
  | { readonly kind: 'attribute'; readonly name: string }
  | { readonly kind: 'agentConnected' }
  | { readonly kind: 'agentVersion' }
  | { readonly kind: 'ec2InstanceId' }
  | { readonly kind: 'registeredAt' }
  | { readonly kind: 'runningTasksCount' }
  | { readonly kind: 'taskGroup' };

export type SubjectKind = Subject['kind'];

/** Operators by their canonical (symbol) spelling; the word forms (`equals`, `not_in`, ...) parse to these. */
export type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'exists' | '!exists' | 'in' | '!in' | '=~' | '!~';

/** A literal argument: the text as written plus its typed reading for the subject it is compared with. */
export interface Literal {
  readonly text: string;
  /** Number for runningTasksCount, epoch ms for registeredAt; absent otherwise. */
  readonly number?: number;
}

export interface Comparison {
  readonly kind: 'compare';
  readonly subject: Subject;
  readonly op: Operator;
  /** The single argument of ==, !=, >, >=, <, <=, =~, !~. */
  readonly value?: Literal;
  /** The argument list of in / !in. */
  readonly list?: readonly Literal[];
  /** The compiled pattern of =~ / !~ (full match, as Java's `matches`). */
  readonly regex?: RegExp;
}

export type Expression =
  | Comparison
  | { readonly kind: 'and'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'or'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'not'; readonly operand: Expression };

/** True if the expression reads state that placing a task changes (task groups, running count). */
export function dependsOnTasks(e: Expression): boolean {
  switch (e.kind) {
    case 'compare':
      return e.subject.kind === 'taskGroup' || e.subject.kind === 'runningTasksCount';
    case 'not':
      return dependsOnTasks(e.operand);
    default:
      return dependsOnTasks(e.left) || dependsOnTasks(e.right);
  }
}
