import type { EntityManager } from '@mikro-orm/postgresql';

/** The sync-engine resource that runs the check per division (nightly, after connecting or mapping a location, on "Check now"). */
export const HEALTH_RESOURCE = 'connection-health';

export type ExactAction = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A read the master-data check makes anyway; a need proven by it costs no UserHasRights call. */
export type MasterDataRead = 'glAccounts' | 'journals' | 'vatCodes' | 'costCenters' | 'costUnits' | 'financialPeriods';

/** One Exact endpoint × action a feature calls, with the Exact right (and package module) it takes. */
export interface EndpointNeed {
  /** e.g. "salesentry/SalesEntries" (as in users/UserHasRights) */
  endpoint: string;
  action: ExactAction;
  /**
   * The Exact right, as an i18n key under `connectionHealth.rights.` (e.g. "salesEntries" → "Enter, modify and delete
   * sales entries"). Endpoints sharing a right are asked about once (Exact grants rights, not endpoints).
   */
  right: string;
  /** The package module the endpoint belongs to (e.g. "Orders", "Manufacturing", "Projects"); none for the finance side. */
  module?: string;
  /** The key field of the endpoint (for telling a missing module from a missing right); default "ID". */
  keyField?: string;
  /** Proven by a read the master-data check makes (no extra call). */
  provenBy?: MasterDataRead;
}

/**
 * A feature Koppel can switch on, with what it needs in Exact. Modules register theirs at start-up
 * (HealthFeatureRegistry.register) — planning, time export and transactions add their own the same way:
 *
 *   registry.register({ key: 'time-export', labelKey: 'time.health.feature', href: '/time/settings',
 *     enabled: async (division, em) => …, needs: [{ endpoint: 'project/TimeTransactions', action: 'POST', right: 'projectHours', module: 'Projects' }] });
 */
export interface HealthFeature {
  /** Stable key ([a-z0-9-]); also what gate() and problemsFor() take. */
  key: string;
  /** i18n key of its name. */
  labelKey: string;
  /** Where it is switched on or set up in Koppel. */
  href: string;
  /** Whether the feature is on for this division (only features that are on are checked). */
  enabled(division: number, em: EntityManager): Promise<boolean>;
  needs: EndpointNeed[];
  /**
   * The master data the feature refers to in a division (asked only when it is on): checked against the reads the
   * master-data check makes anyway (no extra calls); problems carry the feature's key so its preflight finds them.
   */
  references?(division: number, em: EntityManager): Promise<MasterDataRefs>;
}

/** A journal a feature books into: it must exist, not be blocked and have one of `types` (Exact's journal Type). */
export interface JournalRef {
  code: string;
  types: number[];
  /** i18n key and fixKey of the wrong-type problem (the message names what the journal is for); params get `type`. */
  typeKey: string;
  typeFixKey: string;
  params: Record<string, unknown>;
  /** where in Koppel the journal is chosen */
  href: string;
}

/** What a feature refers to: journals, GL accounts (Koppel ids, linked per division) and years it books in. */
export interface MasterDataRefs {
  journals?: JournalRef[];
  glAccounts?: { id: number; number: string; name: string; href: string }[];
  years?: number[];
}

export type HealthProblemCode =
  | 'right_missing'
  | 'module_missing'
  | 'right_or_module_missing'
  | 'gl_not_linked'
  | 'gl_missing'
  | 'gl_blocked'
  | 'journal_not_set'
  | 'journal_missing'
  | 'journal_blocked'
  | 'journal_type'
  | 'vat_unmapped'
  | 'vat_missing'
  | 'vat_blocked'
  | 'cost_missing'
  | 'period_missing'
  | 'customer'
  | 'webhook_missing'
  | 'check_failed';

/** One problem found, with what to change and where (a link into Koppel or, for rights, where in Exact). */
export interface HealthProblem {
  code: HealthProblemCode;
  /** i18n key and params of the message (the same text the gated feature refuses with). */
  key: string;
  params: Record<string, unknown>;
  /** i18n key of what to change. */
  fixKey: string;
  /** Where in Koppel to change it (absent when the fix is in Exact only). */
  href?: string;
  /** Features it stops (keys); a gate or preflight of one of them shows this problem. */
  features: string[];
  /** What it is about, for preflights that look at one thing: 'gl:<koppel id>', 'journal:<code>', 'period:<year>'. */
  ref?: string;
}

/** A need as the checklist shows it. */
export interface NeedStatus {
  endpoint: string;
  action: ExactAction;
  right: string;
  module?: string;
  /** true: allowed; false: refused; null: not asked (feature off or the check could not run). */
  ok: boolean | null;
}

export interface FeatureStatus {
  key: string;
  labelKey: string;
  href: string;
  enabled: boolean;
  needs: NeedStatus[];
  problems: number;
}

/** The stored outcome of one division's check (cached until the next check). */
export interface HealthResult {
  division: number;
  checkedAt: string;
  /** Exact API calls the check made. */
  calls: number;
  /** When Exact gave the oldest answer about a right this result uses, when it is from before the check (a "yes" reused). */
  rightsAskedAt?: string;
  features: FeatureStatus[];
  problems: HealthProblem[];
  /** The check itself failed (not connected, Exact unreachable): its message. */
  error?: string;
}

/** What may start a check (the sync engine's triggers). */
export type SyncTriggerLike = import('../sync/sync.types.js').SyncTrigger;
