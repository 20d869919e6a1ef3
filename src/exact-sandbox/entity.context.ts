import type { SandboxClock } from './clock.util.js';
import type { EntityDef } from './entity.types.js';
import { randomGuid } from './prng.util.js';
import type { DivisionData, EntityTable, SandboxState } from './state.store.js';
import { DEMO_USER_ID, type DivisionGrant, type Key, type Row } from './sandbox.types.js';

export type Notifier = (division: number, topic: string, action: 'Update' | 'Delete', key: Key, endpointPath: string) => void;

export interface Registry {
  byName: Map<string, EntityDef>;
  def(name: string): EntityDef;
}

/** Everything an entity hook needs for one division: storage, clock, webhooks. */
export class EntityContext {
  /** divisions granted to the calling token (system/Divisions) */
  grant: DivisionGrant = 'all';
  /** absolute base of this division, e.g. http://127.0.0.1:3001/api/v1/123456/ */
  divisionBase = '';

  constructor(
    readonly state: SandboxState,
    readonly registry: Registry,
    readonly clock: SandboxClock,
    readonly division: number,
    readonly notifier: Notifier,
    readonly clientId: string | null,
    readonly newId: () => string = randomGuid,
    readonly onChange: () => void = () => undefined,
  ) {}

  get div(): DivisionData {
    return this.state.division(this.division);
  }

  now(): number {
    return this.clock.now();
  }

  /** today 00:00 as naive date */
  today(): number {
    const n = this.now();
    return n - (n % 86_400_000);
  }

  table(name: string): EntityTable {
    return this.div.table(name, this.registry.def(name).key);
  }

  get(name: string, key: Key | null | undefined): Row | undefined {
    if (key === null || key === undefined) return undefined;
    return this.table(name).rows.get(typeof key === 'string' ? key.toLowerCase() : key);
  }

  find(name: string, pred: (r: Row) => boolean): Row | undefined {
    for (const r of this.table(name).rows.values()) if (pred(r)) return r;
    return undefined;
  }

  filter(name: string, pred: (r: Row) => boolean): Row[] {
    const out: Row[] = [];
    for (const r of this.table(name).rows.values()) if (pred(r)) out.push(r);
    return out;
  }

  /** stores a new row (audit fields, Timestamp, key) and fires webhooks */
  insert(name: string, row: Row, fire = true): Row {
    const def = this.registry.def(name);
    const now = this.now();
    if (def.keyType === 'guid' && !row[def.key]) row[def.key] = this.newId();
    if ('Division' in def.fields) row.Division = this.division;
    if ('Created' in def.fields) row.Created ??= now;
    if ('Modified' in def.fields) row.Modified = now;
    if ('Creator' in def.fields) row.Creator ??= DEMO_USER_ID;
    if ('Modifier' in def.fields) row.Modifier = DEMO_USER_ID;
    if (def.sync) row.Timestamp = this.div.nextTimestamp();
    this.table(name).put(row);
    this.onChange();
    if (fire) this.fire(def, row, 'Update');
    return row;
  }

  /** re-stores a changed row (bumps Modified/Timestamp) and fires webhooks */
  touch(name: string, row: Row, fire = true): Row {
    const def = this.registry.def(name);
    if ('Modified' in def.fields) row.Modified = this.now();
    if (def.sync) row.Timestamp = this.div.nextTimestamp();
    this.table(name).put(row);
    this.onChange();
    if (fire) this.fire(def, row, 'Update');
    return row;
  }

  remove(name: string, key: Key, fire = true): Row | undefined {
    const def = this.registry.def(name);
    const row = this.table(name).delete(key);
    if (!row) return undefined;
    if (def.deletedType !== undefined) {
      const ts = this.div.nextTimestamp();
      this.div.deleted.put({
        Timestamp: ts, ID: this.newId(), EntityKey: key, EntityType: def.deletedType,
        DeletedBy: DEMO_USER_ID, DeletedDate: this.now(), Division: this.division,
      });
    }
    this.onChange();
    if (fire) this.fire(def, row, 'Delete');
    return row;
  }

  fire(def: EntityDef, row: Row, action: 'Update' | 'Delete'): void {
    if (!def.topics) return;
    const key = def.webhookKey ? def.webhookKey(row) : (row[def.key] as Key);
    const path = `${def.paths[0]}(${def.keyType === 'guid' ? `guid'${key}'` : key})`;
    for (const topic of def.topics) this.notifier(this.division, topic, action, key, path);
  }
}
