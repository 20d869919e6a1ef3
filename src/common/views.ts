import { ExpressHandlebars } from 'express-handlebars';
import Handlebars, { type HelperOptions, type TemplateDelegate } from 'handlebars';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { projectRoot } from './paths.js';
import { formatDate, formatMoney, formatNumber, type Lang } from './i18n/i18n.js';
import { memoize } from './memo.js';

export const VIEWS_DIR = join(projectRoot, 'views');

type Root = { t?: (key: string, opts?: Record<string, unknown>) => string; lang?: Lang; query?: Record<string, string> };
const root = (options: HelperOptions): Root => (options.data?.root ?? {}) as Root;
/**
 * Texts translated before: the translator (one per language, see i18n `translator`) → key and parameters → text.
 * Texts never change while the process runs; a memo that grows past MEMO_LIMIT texts starts over.
 */
const translated = new WeakMap<NonNullable<Root['t']>, Map<string, string>>();
const MEMO_LIMIT = 20_000;

/**
 * The memo key of a text: its key and parameters, strings and numbers written out, anything else as JSON (cheaper than
 * JSON of the whole: a page asks thousands of texts). A NUL only ever separates; undefined when no key can be made.
 */
function memoKey(key: string, opts: Record<string, unknown>): string | undefined {
  let id = key;
  for (const k in opts) {
    const v = opts[k];
    if (k.includes('\u0000') || k.includes('\u0001')) return undefined;
    if (typeof v === 'string' && !v.includes('\u0000')) id += `\u0000${k}\u0001s${v}`;
    else if (typeof v === 'number') id += `\u0000${k}\u0001n${v}`;
    else {
      try {
        id += `\u0000${k}\u0001j${JSON.stringify(v)}`;
      } catch {
        return undefined;
      }
    }
  }
  return id;
}

/** Templates whose (trimmed) source begins and ends with plain text: their output cannot begin or end with whitespace. */
const plainEdges = new WeakSet<TemplateDelegate>();

/**
 * express-handlebars trims every rendered view. Trimming makes V8 copy the whole output into one string first (a page
 * is built of thousands of pieces): for a large page that cost as much as running the template. The trim is skipped
 * where it cannot change the output — a template whose source starts and ends with text rather than an expression
 * (express-handlebars compiles the trimmed source); every other template is trimmed as before.
 */
class KoppelHandlebars extends ExpressHandlebars {
  protected override _compileTemplate(template: string, options?: RuntimeOptions): TemplateDelegate {
    const compiled = super._compileTemplate(template, options);
    const source = template.trim();
    if (/^[^\s{]/.test(source) && /[^\s}]$/.test(source)) plainEdges.add(compiled);
    return compiled;
  }

  protected override _renderTemplate(template: TemplateDelegate, context?: object, options?: RuntimeOptions): string {
    return plainEdges.has(template) ? template(context, options) : super._renderTemplate(template, context as never, options);
  }
}
type RuntimeOptions = Parameters<ExpressHandlebars['_renderTemplate']>[2];

/**
 * Text as HTML in ASCII only: escaped as Handlebars escapes, every other character as a character reference (the
 * browser shows the same text). One character beyond Latin-1 makes a whole page a two-byte string in V8 (twice the
 * memory to build, copy and encode), and one beyond ASCII sends UTF-8 decoders down their slow path (in Node's fetch, 100 KB
 * took 3 ms instead of 0.1 ms). A large page whose markup repeats such a text (the board's "Plan…" on every chip) uses this.
 */
const toAsciiHtml = memoize(
  (text: string) => new Handlebars.SafeString(Handlebars.escapeExpression(text).replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`)),
  MEMO_LIMIT,
);

/** Handlebars with our layouts, partials and helpers (t, formatting, comparisons, sort links). */
export function createViewEngine(): ExpressHandlebars {
  const helpers = {
    /** {{t "key" name=x}} or {{t key paramsObject}} */
    t(key: string, ...args: unknown[]) {
      const options = args[args.length - 1] as HelperOptions;
      const params = args.length > 1 && typeof args[0] === 'object' && args[0] ? (args[0] as Record<string, unknown>) : {};
      const t = root(options).t;
      if (!t) return key;
      const opts = { ...params, ...options.hash };
      // a page asks the same few texts hundreds of times (a board cell, a list row), and the next page asks them again
      let memo = translated.get(t);
      if (!memo || memo.size >= MEMO_LIMIT) translated.set(t, (memo = new Map()));
      const id = memoKey(key, opts);
      if (id === undefined) return t(key, opts); // parameters that are no plain data (never cached)
      let text = memo.get(id);
      if (text === undefined) memo.set(id, (text = t(key, opts)));
      return text;
    },
    date(value: Date | string, options: HelperOptions) {
      return formatDate(root(options).lang ?? 'nl', value, options.hash?.time === true);
    },
    money(value: number | string, options: HelperOptions) {
      return formatMoney(root(options).lang ?? 'nl', value);
    },
    number(value: number | string, options: HelperOptions) {
      return formatNumber(root(options).lang ?? 'nl', value);
    },
    eq: (a: unknown, b: unknown) => String(a) === String(b),
    ne: (a: unknown, b: unknown) => String(a) !== String(b),
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    not: (a: unknown) => !a,
    gt: (a: number, b: number) => Number(a) > Number(b),
    lt: (a: number, b: number) => Number(a) < Number(b),
    inc: (a: number) => Number(a) + 1,
    dec: (a: number) => Number(a) - 1,
    minus: (a: number, b: number) => Number(a) - Number(b),
    includes: (list: unknown, item: unknown) => Array.isArray(list) && list.map(String).includes(String(item)),
    startsWith: (s: unknown, prefix: string) => typeof s === 'string' && s.startsWith(prefix),
    json: (v: unknown) => JSON.stringify(v),
    object: () => ({}),
    array: (...args: unknown[]) => args.slice(0, -1),
    concat: (...args: unknown[]) => args.slice(0, -1).join(''),
    /** First error key of a field, from a FieldErrors object. */
    fieldError(errors: Record<string, string[]> | undefined, field: string) {
      return errors?.[field]?.[0];
    },
    /** Query string for a list URL with some parameters replaced: {{listUrl base query page=2}} */
    listUrl(base: string, query: Record<string, unknown> | undefined, options: HelperOptions) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...(query ?? {}), ...options.hash })) {
        if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
      }
      const s = params.toString();
      return s ? `${base}?${s}` : base;
    },
    /** Sort link target: toggles direction when the column is already sorted. */
    sortUrl(base: string, query: { sort?: string; dir?: string; q?: string; size?: number } | undefined, column: string) {
      const params = new URLSearchParams();
      if (query?.q) params.set('q', query.q);
      if (query?.size) params.set('size', String(query.size));
      params.set('sort', column);
      params.set('dir', query?.sort === column && query.dir === 'asc' ? 'desc' : 'asc');
      return `${base}?${params.toString()}`;
    },
    sortIndicator(query: { sort?: string; dir?: string } | undefined, column: string) {
      if (query?.sort !== column) return '';
      return query.dir === 'desc' ? '▼' : '▲';
    },
    ariaSort(query: { sort?: string; dir?: string } | undefined, column: string) {
      if (query?.sort !== column) return 'none';
      return query.dir === 'desc' ? 'descending' : 'ascending';
    },
    /** {{tAscii "key" …}}: as {{t}}, written in ASCII only (see toAsciiHtml) */
    tAscii(key: string, ...args: unknown[]) {
      return toAsciiHtml(String(helpers.t(key, ...args)));
    },
  };
  return new KoppelHandlebars({
    extname: '.hbs',
    layoutsDir: join(VIEWS_DIR, 'layouts'),
    // fragments are partials too ({{> fragments/locations/table}}), so a page embeds what htmx fetches alone
    partialsDir: [join(VIEWS_DIR, 'partials'), { dir: join(VIEWS_DIR, 'fragments'), namespace: 'fragments' }] as unknown as string[],
    defaultLayout: 'main',
    // a partial on a line of its own is not indented line by line: that re-split every large fragment (a board page
    // of 150 KB twice over) on each render, for whitespace no one sees
    compilerOptions: { preventIndent: true },
    helpers,
  });
}

/** True when htmx asks for a part of the page (not a full-page navigation or history restore). */
export function isFragmentRequest(req: Request): boolean {
  return req.get('HX-Request') === 'true' && req.get('HX-Request-Type') !== 'full' && req.get('HX-History-Restore-Request') !== 'true';
}

/**
 * One URL, two renderings: the full page with layout, or — when htmx asks — only the fragment.
 * `fragment` is a view under views/fragments/ rendered without layout.
 */
export function render(
  req: Request,
  res: Response,
  view: string,
  model: Record<string, unknown>,
  opts: { status?: number; fragment?: string } = {},
): void {
  res.status(opts.status ?? 200);
  if (opts.fragment && isFragmentRequest(req)) {
    res.render(`fragments/${opts.fragment}`, { ...model, layout: false });
  } else {
    res.render(`pages/${view}`, model);
  }
}

/**
 * Tells the page that background work finished: htmx raises `koppel:refresh` on <body> and public/js/app.js
 * reloads every `[data-refresh]` region of the page in place (lists, choices), without a manual reload.
 */
export function signalRefresh(res: Response): void {
  res.setHeader('HX-Trigger', JSON.stringify({ 'koppel:refresh': { target: 'body' } }));
}
