import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { PgCallLog } from '../../exact/call-log.js';
import { ExactForbiddenError } from '../../exact/errors.js';
import { Clock } from '../../common/clock.js';
import { ConnectionHealthRight } from './connection-health-right.entity.js';
import type { EndpointNeed } from './connection-health.types.js';

/** How long a "yes" from Exact is believed without asking again (a refusal in Koppel's own calls ends it sooner). */
export const RIGHT_TTL_MS = 7 * 86_400_000;

/**
 * How much of what Exact said before may be reused:
 * - `cached`: every answer still valid (a screen that only shows what is allowed; nothing is decided on it);
 * - `confirm`: a "yes" still valid is reused, a "no" is asked again (the check, a gate: a right granted since counts);
 * - `fresh`: everything is asked again ("Check now", "Check again": someone just changed something in Exact).
 */
export type RightsMode = 'cached' | 'confirm' | 'fresh';

export interface RightAnswer {
  allowed: boolean;
  /** 'NoModuleInPackage', 'NoRights' or '' (Exact gave none); undefined when allowed. */
  reason?: string;
  askedAt: Date;
}

/**
 * The key a need's answer is kept under. Exact grants rights, not endpoints: needs that share a right (and package
 * module) share one question. A need a master-data read proves is kept per endpoint, since the read proves only that
 * endpoint.
 */
export function rightKey(need: EndpointNeed): string {
  if (need.provenBy) return `${need.endpoint}|${need.action}`;
  return need.module ? `${need.right}|${need.module}` : need.right;
}

/**
 * The one place Koppel learns what the connected Exact user may do in a division: the health check, the features'
 * gates and the planning options screen all ask here, and share one cache (connection_health_right).
 *
 * Where an answer comes from, cheapest first: (1) what the caller already knows (a read the check made anyway);
 * (2) a cached answer younger than RIGHT_TTL_MS and than the connection, unless Koppel's own calls contradicted it
 * since (a 403 on one of its endpoints × actions after a "yes", a 2xx after a "no": the call log) — a "no" only in
 * mode `cached`; (3) a package module found missing answers every right of that module; (4) one users/UserHasRights
 * call per right (API.md §1.5: one endpoint × action per call; Exact has no $batch, §3.3), and for a "no" on a
 * module's endpoint one one-row read whose 403 tells a missing module from a missing right (not read again while the
 * module was missing at the last answer: UserHasRights still saying no is taken as "still missing").
 * A 2xx in the call log is not taken as a "yes" by itself: it may predate a right taken away, and switching a feature
 * on must hear it from Exact.
 */
@Injectable()
export class HealthRights {
  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly connection: ExactConnectionService,
    private readonly callLog: PgCallLog,
    private readonly clock: Clock,
  ) {}

  /**
   * The answer for every need (by rightKey) and the Exact calls it took. `known`: answers the caller has from reads
   * it made (stored, so gates reuse them).
   */
  async resolve(division: number, needs: EndpointNeed[], opts: { mode: RightsMode; known?: Map<string, { allowed: boolean; reason?: string }> }): Promise<{ answers: Map<string, RightAnswer>; calls: number }> {
    const now = this.clock.now();
    const byKey = new Map<string, EndpointNeed[]>();
    for (const n of needs) byKey.set(rightKey(n), [...(byKey.get(rightKey(n)) ?? []), n]);
    const answers = new Map<string, RightAnswer>();
    const fresh: { key: string; need: EndpointNeed; answer: RightAnswer }[] = [];
    for (const [key, known] of opts.known ?? []) {
      const need = byKey.get(key)?.[0];
      if (!need) continue;
      const answer = { allowed: known.allowed, reason: known.allowed ? undefined : known.reason, askedAt: now };
      answers.set(key, answer);
      fresh.push({ key, need, answer });
    }
    const open = () => [...byKey.keys()].filter((k) => !answers.has(k));

    // what Exact said before, and what Koppel's own calls showed since
    const connectedAt = (await this.connection.connectedAt()) ?? new Date(0);
    const since = new Date(Math.max(connectedAt.getTime(), now.getTime() - RIGHT_TTL_MS));
    const em = this.orm.em.fork();
    const cached = opts.mode === 'fresh' || !open().length ? [] : await em.find(ConnectionHealthRight, { division, key: { $in: open() }, askedAt: { $gt: since } });
    const endpoints = [...new Set(cached.flatMap((r) => byKey.get(r.key)!.map((n) => n.endpoint)))];
    const outcomes = endpoints.length ? await this.callLog.lastOutcomes(division, endpoints, since) : [];
    const outcome = (n: EndpointNeed) => outcomes.find((o) => o.endpoint.toLowerCase() === n.endpoint.toLowerCase() && o.method === n.action);
    for (const key of open()) {
      const seen = byKey.get(key)!.map(outcome).filter((o) => o !== undefined);
      const latest = (status: (s: number) => boolean) => seen.filter((o) => status(o.status)).reduce<(typeof seen)[number] | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
      const lastOk = latest((s) => s >= 200 && s < 300);
      const lastRefused = latest((s) => s === 403);
      const row = cached.find((r) => r.key === key);
      const changedSince = row && (row.allowed ? lastRefused && lastRefused.at > row.askedAt : lastOk && lastOk.at > row.askedAt);
      if (row && !changedSince && (row.allowed || opts.mode === 'cached')) answers.set(key, { allowed: row.allowed, reason: row.reason ?? undefined, askedAt: row.askedAt });
    }

    // ask Exact what is left, one question per right; a module found missing answers the rest of that module
    let calls = 0;
    const missingModules = new Map<string, string>(); // module → reason
    const wasMissing = new Set(cached.filter((r) => r.reason === 'NoModuleInPackage').map((r) => r.key));
    const api = this.client.division(division);
    for (const key of open()) {
      const need = byKey.get(key)![0];
      let answer: RightAnswer;
      if (need.module && missingModules.has(need.module)) {
        answer = { allowed: false, reason: missingModules.get(need.module), askedAt: now };
      } else {
        let allowed: boolean;
        let reason: string | undefined;
        try {
          calls++;
          allowed = await api.userHasRights(need.endpoint, need.action);
        } catch (e) {
          // Exact may refuse the question itself for an endpoint outside the package: that is an answer, not a failure
          if (!(e instanceof ExactForbiddenError)) throw e;
          allowed = false;
          reason = e.reason || undefined;
        }
        if (!allowed && reason === undefined) {
          if (!need.module) reason = 'NoRights';
          else if (wasMissing.has(key)) reason = 'NoModuleInPackage'; // still "no": the module is still missing (no 403 read again)
          else {
            calls++;
            reason = (await api.refusal(need.endpoint, need.keyField)) ?? 'NoRights';
          }
        }
        if (!allowed && need.module && reason === 'NoModuleInPackage') missingModules.set(need.module, reason);
        answer = { allowed, reason: allowed ? undefined : reason, askedAt: now };
      }
      answers.set(key, answer);
      fresh.push({ key, need, answer });
    }

    for (const { key, need, answer } of fresh) {
      await em.upsert(
        ConnectionHealthRight,
        { division, key, endpoint: need.endpoint, action: need.action, allowed: answer.allowed, reason: answer.allowed ? null : (answer.reason ?? ''), askedAt: answer.askedAt },
        { onConflictFields: ['division', 'key'], onConflictAction: 'merge' },
      );
    }
    return { answers, calls };
  }
}
