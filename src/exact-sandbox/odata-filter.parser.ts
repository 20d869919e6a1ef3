import { ExactError, type FieldType, type Row } from './sandbox.types.js';

/** OData v2 $filter parser and evaluator (the subset Exact supports). */

type Literal = string | number | boolean | null;
export type FilterNode =
  | { kind: 'lit'; value: Literal; litType: 'str' | 'num' | 'int64' | 'guid' | 'date' | 'bool' | 'null' }
  | { kind: 'field'; name: string }
  | { kind: 'call'; fn: string; args: FilterNode[] }
  | { kind: 'not'; arg: FilterNode }
  | { kind: 'bin'; op: string; left: FilterNode; right: FilterNode };

interface Token {
  t: 'lp' | 'rp' | 'comma' | 'word' | 'lit';
  v: string;
  lit?: FilterNode;
}

const COMPARE = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['trim', 'substringof', 'startswith', 'endswith', 'tolower', 'toupper', 'length']);

function bad(msg: string): ExactError {
  return new ExactError(400, msg);
}

export function parseDateLiteral(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(text.trim());
  if (!m) throw bad(`Unrecognized 'Edm.DateTime' literal 'datetime'${text}''.`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(ms.slice(0, 3).padEnd(3, '0')));
}

function readQuoted(src: string, start: number): [string, number] {
  let i = start + 1;
  let out = '';
  for (;;) {
    if (i >= src.length) throw bad('Syntax error: unterminated string literal in $filter.');
    const c = src[i];
    if (c === "'") {
      if (src[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return [out, i + 1];
    }
    out += c;
    i++;
  }
}

function typedLiteral(prefix: string, body: string): FilterNode {
  const p = prefix.toLowerCase();
  if (p === 'guid') {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(body)) throw bad(`Unrecognized 'Edm.Guid' literal 'guid'${body}''.`);
    return { kind: 'lit', value: body.toLowerCase(), litType: 'guid' };
  }
  if (p === 'datetime' || p === 'datetimeoffset') return { kind: 'lit', value: parseDateLiteral(body), litType: 'date' };
  throw bad(`Syntax error: unknown literal prefix '${prefix}'.`);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { out.push({ t: 'lp', v: c }); i++; continue; }
    if (c === ')') { out.push({ t: 'rp', v: c }); i++; continue; }
    if (c === ',') { out.push({ t: 'comma', v: c }); i++; continue; }
    if (c === "'") {
      const [s, next] = readQuoted(src, i);
      out.push({ t: 'lit', v: s, lit: { kind: 'lit', value: s, litType: 'str' } });
      i = next;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([LlMmDdFf])?/.exec(src.slice(i));
    if (num && (c === '-' || /\d/.test(c))) {
      const isLong = num[2] === 'L' || num[2] === 'l';
      out.push({ t: 'lit', v: num[0], lit: { kind: 'lit', value: Number(num[0].replace(/[LlMmDdFf]$/, '')), litType: isLong ? 'int64' : 'num' } });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(src.slice(i));
    if (!word) throw bad(`Syntax error at position ${i} in '${src}'.`);
    i += word[0].length;
    if (src[i] === "'") {
      const [s, next] = readQuoted(src, i);
      out.push({ t: 'lit', v: s, lit: typedLiteral(word[0], s) });
      i = next;
      continue;
    }
    const w = word[0];
    if (w === 'true' || w === 'false') out.push({ t: 'lit', v: w, lit: { kind: 'lit', value: w === 'true', litType: 'bool' } });
    else if (w === 'null') out.push({ t: 'lit', v: w, lit: { kind: 'lit', value: null, litType: 'null' } });
    else out.push({ t: 'word', v: w });
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) throw bad(`Syntax error at position ${this.pos}: unexpected '${this.tokens[this.pos].v}'.`);
    return node;
  }

  private peekWord(w: string): boolean {
    const t = this.tokens[this.pos];
    return t?.t === 'word' && t.v.toLowerCase() === w;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.peekWord('or')) { this.pos++; left = { kind: 'bin', op: 'or', left, right: this.and() }; }
    return left;
  }

  private and(): FilterNode {
    let left = this.not();
    while (this.peekWord('and')) { this.pos++; left = { kind: 'bin', op: 'and', left, right: this.not() }; }
    return left;
  }

  private not(): FilterNode {
    if (this.peekWord('not')) { this.pos++; return { kind: 'not', arg: this.not() }; }
    return this.compare();
  }

  private compare(): FilterNode {
    const left = this.primary();
    const t = this.tokens[this.pos];
    if (t?.t === 'word' && COMPARE.has(t.v.toLowerCase())) {
      this.pos++;
      return { kind: 'bin', op: t.v.toLowerCase(), left, right: this.primary() };
    }
    return left;
  }

  private primary(): FilterNode {
    const t = this.tokens[this.pos++];
    if (!t) throw bad('Syntax error: unexpected end of $filter expression.');
    if (t.t === 'lp') {
      const inner = this.or();
      this.expect('rp');
      return inner;
    }
    if (t.t === 'lit' && t.lit) return t.lit;
    if (t.t === 'word') {
      if (this.tokens[this.pos]?.t === 'lp') return this.call(t.v);
      return { kind: 'field', name: t.v };
    }
    throw bad(`Syntax error: unexpected '${t.v}'.`);
  }

  private call(name: string): FilterNode {
    const fn = name.toLowerCase();
    if (!FUNCTIONS.has(fn)) throw bad(`Unknown function '${name}'.`);
    this.expect('lp');
    const args: FilterNode[] = [];
    if (this.tokens[this.pos]?.t !== 'rp') {
      args.push(this.or());
      while (this.tokens[this.pos]?.t === 'comma') { this.pos++; args.push(this.or()); }
    }
    this.expect('rp');
    return { kind: 'call', fn, args };
  }

  private expect(t: Token['t']): void {
    if (this.tokens[this.pos]?.t !== t) throw bad(`Syntax error: expected '${t === 'rp' ? ')' : '('}'.`);
    this.pos++;
  }
}

export interface CompiledFilter {
  fields: Set<string>;
  test(row: Row): boolean;
  node: FilterNode;
}

export function parseFilter(text: string, fieldTypes: Record<string, FieldType>, typeName: string): CompiledFilter {
  const node = new Parser(tokenize(text)).parse();
  const fields = new Set<string>();
  const lookup = new Map(Object.keys(fieldTypes).map((k) => [k.toLowerCase(), k]));
  const resolve = (n: FilterNode): FilterNode => {
    switch (n.kind) {
      case 'field': {
        const real = lookup.get(n.name.toLowerCase());
        if (!real || fieldTypes[real] === 'coll') throw bad(`No property '${n.name}' exists in type '${typeName}' at position 0.`);
        fields.add(real);
        return { kind: 'field', name: real };
      }
      case 'call': return { ...n, args: n.args.map(resolve) };
      case 'not': return { kind: 'not', arg: resolve(n.arg) };
      case 'bin': return { ...n, left: resolve(n.left), right: resolve(n.right) };
      default: return n;
    }
  };
  const resolved = resolve(node);
  checkOperands(resolved, fieldTypes);
  return { fields, node: resolved, test: (row) => evaluate(resolved, row) === true };
}

// ---- operand types (API.md §3.5: no field-vs-field comparison; a literal must match the property's type) ----

type Kind = 'guid' | 'str' | 'num' | 'bool' | 'date' | 'null';

/** WCF Data Services' names of the operand types, as they appear in Exact's messages */
const CLR: Record<FieldType | 'null', string> = {
  guid: 'System.Guid', str: 'System.String', int: 'System.Int32', int64: 'System.Int64', num: 'System.Double', bool: 'System.Boolean',
  date: 'System.DateTime', byte: 'System.Byte', coll: 'System.Object', b64: 'System.Byte[]', null: '<null>',
};

const LIT_CLR: Record<string, string> = {
  guid: 'System.Guid', str: 'System.String', num: 'System.Int32', int64: 'System.Int64', date: 'System.DateTime', bool: 'System.Boolean', null: '<null>',
};

function kindOf(n: FilterNode, types: Record<string, FieldType>): { kind: Kind; clr: string; field: boolean } {
  switch (n.kind) {
    case 'field': {
      const t = types[n.name];
      const kind: Kind = t === 'guid' ? 'guid' : t === 'date' ? 'date' : t === 'bool' ? 'bool' : ['int', 'int64', 'num', 'byte'].includes(t) ? 'num' : 'str';
      return { kind, clr: CLR[t], field: true };
    }
    case 'lit': {
      const kind: Kind = n.litType === 'int64' ? 'num' : n.litType;
      const clr = n.litType === 'num' && typeof n.value === 'number' && !Number.isInteger(n.value) ? 'System.Double' : LIT_CLR[n.litType];
      return { kind, clr, field: false };
    }
    case 'call': {
      if (n.fn === 'length') return { kind: 'num', clr: 'System.Int32', field: false };
      if (['substringof', 'startswith', 'endswith'].includes(n.fn)) return { kind: 'bool', clr: 'System.Boolean', field: false };
      return { kind: 'str', clr: 'System.String', field: false };
    }
    default: return { kind: 'bool', clr: 'System.Boolean', field: false };
  }
}

function checkOperands(n: FilterNode, types: Record<string, FieldType>): void {
  if (n.kind === 'not') return checkOperands(n.arg, types);
  if (n.kind === 'call') { for (const a of n.args) checkOperands(a, types); return; }
  if (n.kind !== 'bin') return;
  checkOperands(n.left, types);
  checkOperands(n.right, types);
  if (!COMPARE.has(n.op)) return;
  const a = kindOf(n.left, types);
  const b = kindOf(n.right, types);
  const incompatible = (a.field && b.field) || (a.kind !== b.kind && a.kind !== 'null' && b.kind !== 'null');
  if (incompatible) throw bad(`Operator '${n.op}' incompatible with operand types '${a.clr}' and '${b.clr}'.`);
}

type Value = string | number | boolean | null;

function norm(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v).toLowerCase();
}

function evaluate(n: FilterNode, row: Row): Value {
  switch (n.kind) {
    case 'lit': return norm(n.value);
    case 'field': return norm(row[n.name]);
    case 'not': return !evaluate(n.arg, row);
    case 'call': return callFn(n.fn, n.args.map((a) => evaluate(a, row)));
    case 'bin': return binary(n.op, n.left, n.right, row);
  }
}

function callFn(fn: string, a: Value[]): Value {
  const s = (v: Value) => (v === null ? '' : String(v));
  switch (fn) {
    case 'trim': return a[0] === null ? null : s(a[0]).trim();
    case 'tolower': case 'toupper': return a[0] === null ? null : s(a[0]);
    case 'length': return s(a[0]).length;
    case 'substringof': return s(a[1]).includes(s(a[0]));
    case 'startswith': return s(a[0]).startsWith(s(a[1]));
    case 'endswith': return s(a[0]).endsWith(s(a[1]));
    default: return null;
  }
}

function binary(op: string, l: FilterNode, r: FilterNode, row: Row): Value {
  if (op === 'and') return evaluate(l, row) === true && evaluate(r, row) === true;
  if (op === 'or') return evaluate(l, row) === true || evaluate(r, row) === true;
  const a = evaluate(l, row);
  const b = evaluate(r, row);
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (a === null || b === null) return false;
  switch (op) {
    case 'gt': return a > b;
    case 'ge': return a >= b;
    case 'lt': return a < b;
    case 'le': return a <= b;
    default: return false;
  }
}

/** For sync endpoints: the lower bound of `Timestamp gt/ge N`; throws on anything else. */
export function timestampLowerBound(f: CompiledFilter): number {
  const n = f.node;
  if (n.kind === 'bin' && (n.op === 'gt' || n.op === 'ge') && n.left.kind === 'field' && n.left.name === 'Timestamp' && n.right.kind === 'lit' && typeof n.right.value === 'number') {
    return n.op === 'gt' ? n.right.value : n.right.value - 1;
  }
  throw bad('This $filter parameter is not supported for this resource. Only a filter on Timestamp (Timestamp gt <value>L) is allowed on sync endpoints.');
}
