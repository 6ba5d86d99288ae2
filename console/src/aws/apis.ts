// One small function per AWS API the console calls, typed with the AWS SDK v3 shapes (imported as types only, so
// none of the SDK is bundled). JSON protocols send timestamps as epoch seconds; `time()` in lib/format reads them.
import { jsonCall, queryCall } from './signer';
import type { Session } from './session';

export const ecs = <O>(s: Session, op: string, input: object = {}) =>
  jsonCall<O>(s, 'ecs', `AmazonEC2ContainerServiceV20141113.${op}`, '1.1', input);
export const ecr = <O>(s: Session, op: string, input: object = {}) =>
  jsonCall<O>(s, 'ecr', `AmazonEC2ContainerRegistry_V20150921.${op}`, '1.1', input);
export const logs = <O>(s: Session, op: string, input: object = {}) => jsonCall<O>(s, 'logs', `Logs_20140328.${op}`, '1.1', input);
export const cloudwatch = <O>(s: Session, op: string, input: object = {}) =>
  jsonCall<O>(s, 'monitoring', `GraniteServiceVersion20100801.${op}`, '1.0', input);
export const autoscaling = <O>(s: Session, op: string, input: object = {}) =>
  jsonCall<O>(s, 'application-autoscaling', `AnyScaleFrontendService.${op}`, '1.1', input);
export const elbv2 = (s: Session, action: string, params: Record<string, string> = {}) =>
  queryCall(s, 'elasticloadbalancing', '2015-12-01', action, params);

/** The text of each `member` element under the path, as objects of their child elements' text (ELBv2 XML). */
export function xmlMembers(doc: Document, listTag: string): Record<string, string>[] {
  const list = doc.getElementsByTagName(listTag)[0];
  if (!list) return [];
  return Array.from(list.children).map((m) => {
    const o: Record<string, string> = {};
    for (const c of Array.from(m.children)) o[c.tagName] = c.children.length ? c.outerHTML : (c.textContent ?? '');
    return o;
  });
}

/** Every member element under the first `listTag`, for nested reads. */
export function xmlMemberElements(doc: Document | Element, listTag: string): Element[] {
  const list = doc.getElementsByTagName(listTag)[0];
  return list ? Array.from(list.children) : [];
}

export function xmlText(el: Element, tag: string): string {
  return el.getElementsByTagName(tag)[0]?.textContent ?? '';
}
