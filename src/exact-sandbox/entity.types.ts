import type { FieldType, Key, Row, Verb } from './sandbox.types.js';
import type { EntityContext } from './entity.context.js';

/** Parses a compact field spec: "ID:guid Code Name Blocked:bool" (default type str). */
export function fields(spec: string): Record<string, FieldType> {
  const out: Record<string, FieldType> = {};
  for (const part of spec.trim().split(/\s+/)) {
    const [name, type = 'str'] = part.split(':');
    out[name] = type as FieldType;
  }
  return out;
}

export interface LinesSpec {
  /** navigation property on the header, e.g. SalesEntryLines */
  field: string;
  /** entity name of the lines */
  entity: string;
  /** foreign key on the line pointing at the header key */
  fk: string;
}

export type WriteMode = 'create' | 'update';

/**
 * Declarative definition of one Exact entity. Add one of these to ENTITIES
 * (entities.registry.ts) and the REST layer, sync/bulk endpoints, Atom output,
 * mandatory filtering, sync/Deleted and webhooks follow automatically.
 */
export interface EntityDef {
  /** store name, unique (e.g. "Accounts") */
  name: string;
  /** normal endpoint paths relative to /api/v1/{division}/ (first one is canonical) */
  paths: string[];
  /** Exact.Web.Api.Models.<type> */
  type: string;
  key: string;
  keyType: 'guid' | 'int';
  verbs: Verb[];
  fields: Record<string, FieldType>;
  /** ignored on POST/PUT input */
  readOnly?: string[];
  /** on PUT only these may change (default: all writable) */
  updatable?: string[];
  /** "Verplicht: X" on POST when missing */
  required?: string[];
  /** Dutch label used in messages for required fields (field → label) */
  labels?: Record<string, string>;
  lines?: LinesSpec;
  /** further read-only navigation collections ($expand and Entity(key)/Nav), e.g. ShopOrder → ShopOrderRoutingStepPlans */
  navs?: LinesSpec[];
  /** licence module the division's package must include (planning/planning.rights.ts); none = always available */
  module?: string;
  /** sync rows from more than one table (e.g. Project/ProjectWBS = deliverables + activities), Timestamp > after, ascending */
  syncRows?: (ctx: EntityContext, after: number, limit: number) => Row[];
  /** sync endpoint name under sync/, e.g. "CRM/Accounts" */
  sync?: string;
  /** fields only visible on the sync endpoint (Timestamp is added automatically) */
  syncOnly?: Record<string, FieldType>;
  /** bulk endpoint name under bulk/, e.g. "CRM/Accounts" */
  bulk?: string;
  /** fields allowed to satisfy mandatory filtering (default: applies when sync is set) */
  mandatoryFilter?: string[];
  /** EntityType code in sync/Deleted */
  deletedType?: number;
  /** webhook topics fired on change */
  topics?: string[];
  /** rows are only visible to the OAuth client that created them (webhook subscriptions) */
  clientScoped?: boolean;
  /** rows computed on the fly instead of stored */
  virtualRows?: (ctx: EntityContext) => Row[];
  /** defaults + validation; throw ExactError(400) to reject; may mutate row */
  validate?: (ctx: EntityContext, row: Row, mode: WriteMode, before?: Row) => void;
  /** replaces the generic insert (complex bookings); must return the stored header */
  create?: (ctx: EntityContext, input: Row) => Row;
  /** called before delete; throw to refuse */
  beforeDelete?: (ctx: EntityContext, row: Row) => void;
  /** called after insert/update/delete */
  afterWrite?: (ctx: EntityContext, row: Row, action: 'create' | 'update' | 'delete') => void;
  /** key for webhook notifications (default: the record key) */
  webhookKey?: (row: Row) => Key;
}
