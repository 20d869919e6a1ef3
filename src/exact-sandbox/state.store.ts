import type { ClientRecord, DivisionGrant, Key, Row } from './sandbox.types.js';

/** One entity's rows in one division, with a Timestamp-ordered sync index. */
export class EntityTable {
  readonly rows = new Map<Key, Row>();
  /** ascending by ts; entries whose row has a newer Timestamp (or is gone) are stale */
  private syncLog: { ts: number; key: Key }[] = [];

  constructor(readonly keyField: string) {}

  put(row: Row): void {
    const key = row[this.keyField] as Key;
    this.rows.set(key, row);
    const ts = row.Timestamp;
    if (typeof ts === 'number') {
      this.syncLog.push({ ts, key });
      if (this.syncLog.length > this.rows.size * 2 + 1000) this.compact();
    }
  }

  delete(key: Key): Row | undefined {
    const row = this.rows.get(key);
    this.rows.delete(key);
    return row;
  }

  /** rows with Timestamp > after, ascending, at most limit */
  syncPage(after: number, limit: number): Row[] {
    let lo = 0;
    let hi = this.syncLog.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.syncLog[mid].ts <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: Row[] = [];
    for (let i = lo; i < this.syncLog.length && out.length < limit; i++) {
      const e = this.syncLog[i];
      const row = this.rows.get(e.key);
      if (row && row.Timestamp === e.ts) out.push(row);
    }
    return out;
  }

  rebuildSyncIndex(): void {
    this.syncLog = [];
    this.compact();
  }

  private compact(): void {
    this.syncLog = [...this.rows.entries()]
      .filter(([, r]) => typeof r.Timestamp === 'number')
      .map(([key, r]) => ({ ts: r.Timestamp as number, key }))
      .sort((a, b) => a.ts - b.ts);
  }
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  grant: DivisionGrant;
  expiresAt: number;
  used: boolean;
}

export interface TokenFamily {
  id: string;
  clientId: string;
  userId: string;
  grant: DivisionGrant;
  currentRefresh: string;
  /** issue time of the newest access token */
  issuedAt: number;
  dead: boolean;
}

export interface AccessToken {
  familyId: string;
  expiresAt: number;
}

export interface AuthState {
  codes: Map<string, AuthCode>;
  families: Map<string, TokenFamily>;
  refreshTokens: Map<string, string>; // refresh token → family id (old ones too)
  accessTokens: Map<string, AccessToken>;
  tokenCalls: Map<string, { day: number; count: number }>;
}

export function emptyAuth(): AuthState {
  return { codes: new Map(), families: new Map(), refreshTokens: new Map(), accessTokens: new Map(), tokenCalls: new Map() };
}

/** All data of one division. */
export class DivisionData {
  readonly tables = new Map<string, EntityTable>();
  readonly deleted = new EntityTable('Timestamp');
  lastTimestamp: number;

  constructor(readonly code: number, startTimestamp: number) {
    this.lastTimestamp = startTimestamp;
  }

  table(name: string, keyField = 'ID'): EntityTable {
    let t = this.tables.get(name);
    if (!t) {
      t = new EntityTable(keyField);
      this.tables.set(name, t);
    }
    return t;
  }

  nextTimestamp(): number {
    this.lastTimestamp += 1 + (this.lastTimestamp % 7 === 0 ? 3 : 0);
    return this.lastTimestamp;
  }
}

export class SandboxState {
  clients = new Map<string, ClientRecord>();
  /** division info rows (system/Divisions shape), by Code */
  divisions = new Map<number, Row>();
  data = new Map<number, DivisionData>();
  auth: AuthState = emptyAuth();
  seed = 1;
  volume = 0;

  division(code: number): DivisionData {
    const d = this.data.get(code);
    if (!d) throw new Error(`unknown division ${code}`);
    return d;
  }
}

// ---- persistence -------------------------------------------------------

interface Snapshot {
  version: 1;
  seed: number;
  volume: number;
  clockOffsetMs: number;
  clients: ClientRecord[];
  divisions: Row[];
  data: { code: number; lastTimestamp: number; tables: Record<string, { key: string; rows: Row[] }>; deleted: Row[] }[];
  auth: {
    codes: AuthCode[];
    families: TokenFamily[];
    refreshTokens: [string, string][];
    accessTokens: [string, AccessToken][];
  };
}

export function snapshot(state: SandboxState, clockOffsetMs: number): Snapshot {
  return {
    version: 1,
    seed: state.seed,
    volume: state.volume,
    clockOffsetMs,
    clients: [...state.clients.values()],
    divisions: [...state.divisions.values()],
    data: [...state.data.values()].map((d) => ({
      code: d.code,
      lastTimestamp: d.lastTimestamp,
      tables: Object.fromEntries([...d.tables.entries()].map(([n, t]) => [n, { key: t.keyField, rows: [...t.rows.values()] }])),
      deleted: [...d.deleted.rows.values()],
    })),
    auth: {
      codes: [...state.auth.codes.values()],
      families: [...state.auth.families.values()],
      refreshTokens: [...state.auth.refreshTokens.entries()],
      accessTokens: [...state.auth.accessTokens.entries()],
    },
  };
}

export function restore(snap: Snapshot): { state: SandboxState; clockOffsetMs: number } {
  const state = new SandboxState();
  state.seed = snap.seed;
  state.volume = snap.volume;
  for (const c of snap.clients) state.clients.set(c.clientId, c);
  for (const d of snap.divisions) state.divisions.set(d.Code as number, d);
  for (const d of snap.data) {
    const dd = new DivisionData(d.code, d.lastTimestamp);
    for (const [name, t] of Object.entries(d.tables)) {
      const table = dd.table(name, t.key);
      for (const r of t.rows) table.rows.set(r[t.key] as Key, r);
      table.rebuildSyncIndex();
    }
    for (const r of d.deleted) dd.deleted.rows.set(r.Timestamp as number, r);
    dd.deleted.rebuildSyncIndex();
    state.data.set(d.code, dd);
  }
  for (const c of snap.auth.codes) state.auth.codes.set(c.code, c);
  for (const f of snap.auth.families) state.auth.families.set(f.id, f);
  state.auth.refreshTokens = new Map(snap.auth.refreshTokens);
  state.auth.accessTokens = new Map(snap.auth.accessTokens);
  return { state, clockOffsetMs: snap.clockOffsetMs };
}

export function isSnapshot(v: unknown): v is Snapshot {
  return typeof v === 'object' && v !== null && (v as { version?: unknown }).version === 1;
}
