/**
 * Exact's collection envelopes (API.md §3.2). A list comes back either as {"d":{"results":[…],"__next"?,"__count"?}}
 * or — for a query whose $top is at or below the page size, as the picqer client and Exact's .NET SDK expect — as the
 * bare array {"d":[…]}. Every place that reads a collection goes through here, so both forms are accepted everywhere.
 */

export interface Collection {
  rows: Record<string, unknown>[];
  /** absolute link to the next page, exactly as Exact sent it */
  next?: string;
  count?: number;
}

const isRow = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The rows of a collection response, or null when the body is not a collection envelope. */
export function readCollection(body: unknown): Collection | null {
  const d = (body as { d?: unknown } | null | undefined)?.d;
  if (Array.isArray(d)) return d.every(isRow) ? { rows: d } : null;
  if (!isRow(d)) return null;
  const results = d.results;
  if (!Array.isArray(results) || !results.every(isRow)) return null;
  const next = typeof d.__next === 'string' && d.__next ? d.__next : undefined;
  const count = d.__count !== undefined && d.__count !== null && Number.isFinite(Number(d.__count)) ? Number(d.__count) : undefined;
  return { rows: results, next, count };
}

/** The one record of a single-entity response ({"d":{…}}), tolerating a one-row collection in either form. */
export function readSingle(body: unknown): Record<string, unknown> | null {
  const d = (body as { d?: unknown } | null | undefined)?.d;
  if (Array.isArray(d)) return isRow(d[0]) ? d[0] : null;
  if (!isRow(d)) return null;
  if (Array.isArray(d.results)) return isRow(d.results[0]) ? d.results[0] : null;
  return d;
}
