import type { ExactTransport, ExactRequest } from './transport.js';
import type { CallKind } from './rate-limiter.js';
import { fromExact, lit, queryString, type QueryOptions } from './odata.js';
import { ExactNotFoundError, ExactServerError } from './errors.js';
import { readCollection, readSingle } from './envelope.js';

export interface CallOptions {
  kind?: CallKind;
  signal?: AbortSignal;
  /** Only while connecting: an access token that is not stored yet. */
  token?: string;
  /** Timeout per attempt of this call (default EXACT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Attempts of a GET after a connection failure or 5xx (default 5; 1 = no retry). Writes are never retried blindly. */
  maxAttempts?: number;
}

interface Envelope {
  d?: { results?: Record<string, unknown>[]; __next?: string; __count?: string } & Record<string, unknown>;
}

/** One page of a list, plus the absolute link to the next one (followed verbatim). */
export interface ExactPage<T> {
  rows: T[];
  next?: string;
  count?: number;
}

/** Shared plumbing of every resource: envelopes, __next paging and edge conversion. */
export class Endpoint<T> {
  constructor(
    protected readonly http: ExactTransport,
    readonly division: number,
    /** e.g. "crm/Accounts" (normal) */
    readonly path: string,
    readonly keyField: string,
    protected readonly int64Fields: readonly string[] = ['Timestamp'],
  ) {}

  /** The first-page path of a query on this endpoint (built here only: no caller writes a URL). */
  protected queryPath(q: QueryOptions = {}): string {
    return `${this.division}/${this.path}${queryString(q)}`;
  }

  protected convert(raw: Record<string, unknown>): T {
    return fromExact<T>(raw, this.int64Fields);
  }

  protected async call(req: Omit<ExactRequest, 'division'>): Promise<unknown> {
    return (await this.http.request({ ...req, division: this.division })).body;
  }

  /** Fetches one page; `url` is either a first-page path or an absolute __next link. */
  async page(url: string, opts: CallOptions = {}): Promise<ExactPage<T>> {
    const list = readCollection(await this.call({ method: 'GET', path: url, ...opts }));
    if (!list) throw new ExactServerError(200, 'Unexpected response envelope', this.division, this.path);
    return { rows: list.rows.map((r) => this.convert(r)), next: list.next, count: list.count };
  }

  /** Every page, following __next exactly as Exact sent it (never a constructed skip token). */
  async *pages(firstPath: string, opts: CallOptions = {}): AsyncGenerator<ExactPage<T>> {
    let url: string | undefined = firstPath;
    while (url) {
      const p = await this.page(url, opts);
      yield p;
      url = p.next;
    }
  }

  async *iterate(firstPath: string, opts: CallOptions = {}): AsyncGenerator<T> {
    for await (const p of this.pages(firstPath, opts)) yield* p.rows;
  }
}

/** A normal endpoint (60 rows per page; mandatory $filter where Exact enforces it). */
export class Resource<T, Create = Partial<T>> extends Endpoint<T> {
  list(q: QueryOptions = {}, opts?: CallOptions): AsyncGenerator<T> {
    return this.iterate(this.queryPath(q), opts);
  }

  /** The query page by page (one API call each), for callers that count calls or pace between pages. */
  listPages(q: QueryOptions = {}, opts?: CallOptions): AsyncGenerator<ExactPage<T>> {
    return this.pages(this.queryPath(q), opts);
  }

  async all(q: QueryOptions = {}, opts?: CallOptions): Promise<T[]> {
    const out: T[] = [];
    for await (const r of this.list(q, opts)) out.push(r);
    return out;
  }

  async first(q: QueryOptions, opts?: CallOptions): Promise<T | undefined> {
    const p = await this.page(this.queryPath({ ...q, top: 1 }), opts);
    return p.rows[0];
  }

  private keyPath(id: string | number): string {
    return `${this.division}/${this.path}(${typeof id === 'number' ? id : lit.guid(id)})`;
  }

  async get(id: string | number, select?: readonly string[], opts?: CallOptions): Promise<T> {
    const d = readSingle(await this.call({ method: 'GET', path: `${this.keyPath(id)}${queryString({ select })}`, ...opts }));
    if (!d) throw new ExactNotFoundError(undefined, this.division, this.path);
    return this.convert(d);
  }

  /** POST; never retried blindly (the caller looks the record up after an unclear outcome). */
  async create(data: Create, opts?: CallOptions): Promise<T> {
    const body = (await this.call({ method: 'POST', path: `${this.division}/${this.path}`, body: data, representation: true, ...opts })) as Envelope;
    return this.convert((body?.d ?? {}) as Record<string, unknown>);
  }

  async update(id: string, data: Partial<Create>, opts?: CallOptions): Promise<void> {
    await this.call({ method: 'PUT', path: this.keyPath(id), body: data, ...opts });
  }

  async delete(id: string, opts?: CallOptions): Promise<void> {
    await this.call({ method: 'DELETE', path: this.keyPath(id), ...opts });
  }
}

/** A bulk endpoint: 1000 rows per page, $select mandatory. */
export class BulkResource<T> extends Endpoint<T> {
  list(q: QueryOptions & { select: readonly string[] }, opts?: CallOptions): AsyncGenerator<T> {
    return this.iterate(this.queryPath(q), opts);
  }

  /** The query page by page (one API call each, up to 1000 rows). */
  listPages(q: QueryOptions & { select: readonly string[] }, opts?: CallOptions): AsyncGenerator<ExactPage<T>> {
    return this.pages(this.queryPath(q), opts);
  }
}

/** A page of a sync endpoint with the highest Timestamp in it: store it as the cursor after each page. */
export interface SyncPage<T> {
  rows: T[];
  cursor: bigint;
  more: boolean;
}

/** A sync endpoint: Timestamp-ordered, 1000 rows per page, only a Timestamp filter allowed. */
export class SyncResource<T extends { Timestamp?: bigint | null }> extends Endpoint<T> {
  /** Pages of changes after `cursor` (start with 1). The caller persists `page.cursor` as it goes. */
  async *changes(cursor: bigint | string | number = 1n, select?: readonly string[], opts?: CallOptions): AsyncGenerator<SyncPage<T>> {
    let last = BigInt(cursor);
    const first = this.queryPath({ select, filter: `Timestamp gt ${lit.int64(last)}` });
    for await (const p of this.pages(first, opts)) {
      for (const r of p.rows) if (r.Timestamp !== null && r.Timestamp !== undefined && r.Timestamp > last) last = r.Timestamp;
      yield { rows: p.rows, cursor: last, more: !!p.next };
    }
  }
}
