/** List query: page, page size and a whitelisted sort column with direction. */
export interface ListQuery<S extends string> {
  page: number;
  pageSize: number;
  sort: S;
  dir: 'asc' | 'desc';
  q?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

/** Highest page number a list accepts: beyond it the offset would leave the database's integer range. */
export const MAX_PAGE = 100_000;

/** A page number from a query string: a whole number from 1 to MAX_PAGE (anything else is clamped). */
export function parsePage(raw: unknown): number {
  const n = Number.parseInt(String(raw ?? '1'), 10);
  return Number.isFinite(n) ? Math.min(MAX_PAGE, Math.max(1, n)) : 1;
}

export function parseListQuery<S extends string>(
  raw: Record<string, unknown>,
  sortable: readonly S[],
  defaults: { sort: S; dir?: 'asc' | 'desc'; pageSize?: number },
): ListQuery<S> {
  const page = parsePage(raw.page);
  const sizeRaw = Number.parseInt(String(raw.size ?? defaults.pageSize ?? 25), 10);
  const pageSize = [10, 25, 50, 100].includes(sizeRaw) ? sizeRaw : (defaults.pageSize ?? 25);
  const sort = sortable.includes(raw.sort as S) ? (raw.sort as S) : defaults.sort;
  const dir = raw.dir === 'desc' ? 'desc' : raw.dir === 'asc' ? 'asc' : (defaults.dir ?? 'asc');
  const q = typeof raw.q === 'string' && raw.q.trim() ? raw.q.trim().slice(0, 100) : undefined;
  return { page, pageSize, sort, dir, q };
}

export function toPage<T>(items: T[], total: number, query: { page: number; pageSize: number }): Page<T> {
  return { items, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
}
