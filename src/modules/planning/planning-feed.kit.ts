import type { FeedContext } from './planning.feeds.js';
import { upsertCards, type CardInput, type WriteCounts } from './planning-store.js';

/** Small readers of Exact values shared by the planning feeds (one per entity family, in their own files). */

/** minutes between safety-net runs of a feed that has a webhook topic */
export const SAFETY_NET_MINUTES = 6 * 60;

export const day = (d: Date | null | undefined): string | null => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 10) : null);
export const num = (v: unknown): number | null => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).trim() || null);
export const ts = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
export const lower = (v: string | null | undefined) => (v ? v.toLowerCase() : null);
export const sum = (a: WriteCounts, b: WriteCounts): WriteCounts => ({ created: a.created + b.created, updated: a.updated + b.updated, archived: a.archived + b.archived });
export const ZERO: WriteCounts = { created: 0, updated: 0, archived: 0 };
export const cards = (fc: FeedContext, inputs: CardInput[]) => upsertCards(fc.em, fc.division, inputs, { history: fc.history });
/** Exact's byte flags (0/1) and booleans alike */
export const flag = (v: unknown): boolean => v === true || v === 1 || v === '1';
