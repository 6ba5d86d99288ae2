// Why this exists: the query protocol answers in XML; this writes a value tree as the elements botocore's and the JS
// SDK's query parsers read (lists as <member>, maps as <entry><key/><value/></entry>, ISO 8601 timestamps), escaping
// text so no member value can break the document.

import { Kind, type Node } from './compile.js';

/** Deepest nesting written; handler output is model-shaped, so this only guards against a runaway value. */
const MAX_DEPTH = 64;

const NEEDS_ESCAPE = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// Markup and forbidden characters, or a surrogate pair (kept), or a lone surrogate (replaced).
const ESCAPE =
  /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/**
 * Text safe inside an element: markup characters as entities, a carriage return as `&#13;` (so XML parsers keep it),
 * and characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates) as U+FFFD.
 */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPE, (c) => (c.length === 2 ? c : (ENTITIES[c] ?? '\uFFFD')));
}

/** Append the members of `value` (a structure) as child elements. */
export function writeStructure(out: string[], node: Node, value: unknown, depth = 0): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw new Error('query output nests too deeply');
  const obj = value as Record<string, unknown>;
  for (const m of node.members) {
    const v = obj[m.name];
    if (v === undefined || v === null || !Object.hasOwn(obj, m.name)) continue;
    const n = m.node;
    if (n.kind === Kind.List && m.flattened) {
      if (!Array.isArray(v)) continue;
      for (const item of v) element(out, m.xmlName, n.item!, item, depth + 1);
    } else if (n.kind === Kind.Map && m.flattened) {
      if (typeof v !== 'object') continue;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out.push(`<${m.xmlName}>`);
        entry(out, n, k, x, depth + 1);
        out.push(`</${m.xmlName}>`);
      }
    } else {
      element(out, m.xmlName, n, v, depth + 1);
    }
  }
}

function element(out: string[], name: string, node: Node, v: unknown, depth: number): void {
  if (v === undefined || v === null) return;
  switch (node.kind) {
    case Kind.Structure: {
      const at = out.push(`<${name}>`);
      writeStructure(out, node, v, depth);
      close(out, at, name);
      return;
    }
    case Kind.List: {
      if (!Array.isArray(v)) return;
      const at = out.push(`<${name}>`);
      for (const item of v) element(out, node.itemName, node.item!, item, depth + 1);
      close(out, at, name);
      return;
    }
    case Kind.Map: {
      if (typeof v !== 'object') return;
      const at = out.push(`<${name}>`);
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out.push('<entry>');
        entry(out, node, k, x, depth + 1);
        out.push('</entry>');
      }
      close(out, at, name);
      return;
    }
    default:
      out.push(`<${name}>${scalarText(node.kind, v)}</${name}>`);
  }
}

/** An element with no children is written self-closed, as AWS does (`<Tags/>`, `<AddTagsResult/>`). */
function close(out: string[], openedAt: number, name: string): void {
  if (out.length === openedAt) out[openedAt - 1] = `<${name}/>`;
  else out.push(`</${name}>`);
}

function entry(out: string[], node: Node, k: string, v: unknown, depth: number): void {
  out.push(`<${node.keyName}>${escapeXml(k)}</${node.keyName}>`);
  element(out, node.valueName, node.value!, v, depth);
}

/** A scalar's text: ISO 8601 timestamps, base64 blobs, `true`/`false`, numbers as JavaScript prints them. */
export function scalarText(kind: Kind, v: unknown): string {
  switch (kind) {
    case Kind.Timestamp: {
      const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v * 1000) : undefined;
      if (d && !Number.isNaN(d.getTime())) return d.toISOString();
      return escapeXml(String(v));
    }
    case Kind.Blob:
      return Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('base64') : escapeXml(String(v));
    case Kind.Boolean:
      return v ? 'true' : 'false';
    case Kind.Document:
      return escapeXml(JSON.stringify(v));
    default:
      return escapeXml(String(v));
  }
}
