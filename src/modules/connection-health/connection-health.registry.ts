import { Global, Injectable, Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ConflictError } from '../../common/errors.js';
import { ConnectionHealthCheck } from './connection-health.entity.js';
import type { HealthFeature, HealthProblem, HealthResult } from './connection-health.types.js';

const KEY = /^[a-z0-9][a-z0-9-]{0,59}$/;
const GATING: HealthProblem['code'][] = ['right_missing', 'module_missing', 'right_or_module_missing'];

/** A feature refused because Exact does not allow what it needs: the same message as on the Health page. */
export class FeatureBlockedError extends ConflictError {
  constructor(readonly problem: HealthProblem) {
    super(`Feature blocked: ${problem.code}`, problem.key, problem.params);
  }
}

/**
 * The port other modules use: register a feature (what it needs in Exact), ask whether it may be switched on
 * (gate), and read the problems the last check found for it (problemsFor — the export preflight reuses them).
 * It reads only the cached results: no Exact calls.
 */
@Injectable()
export class HealthFeatureRegistry {
  private readonly features = new Map<string, HealthFeature>();

  constructor(private readonly orm: MikroORM) {}

  register(feature: HealthFeature): void {
    if (!KEY.test(feature.key)) throw new Error(`health feature key "${feature.key}" must match ${KEY}`);
    if (this.features.has(feature.key)) throw new Error(`health feature "${feature.key}" is already registered`);
    this.features.set(feature.key, feature);
  }

  unregister(key: string): void {
    this.features.delete(key);
  }

  list(): HealthFeature[] {
    return [...this.features.values()];
  }

  async result(division: number): Promise<HealthResult | undefined> {
    return (await this.orm.em.fork().findOne(ConnectionHealthCheck, { division }))?.result;
  }

  /** The last check's problems of a feature in a division ([] when never checked). */
  async problemsFor(division: number, feature: string): Promise<HealthProblem[]> {
    return ((await this.result(division))?.problems ?? []).filter((p) => p.features.includes(feature));
  }

  /**
   * Refuses to switch a feature on when the last check found a right or module it needs missing, in any of the
   * divisions (all checked divisions when none are given). Throws FeatureBlockedError with the Health page's text.
   */
  async gate(feature: string, divisions?: number[]): Promise<void> {
    const em = this.orm.em.fork();
    const rows = await em.find(ConnectionHealthCheck, divisions ? { division: { $in: divisions } } : {});
    for (const row of rows) {
      const p = row.result.problems.find((x) => x.features.includes(feature) && GATING.includes(x.code));
      if (p) throw new FeatureBlockedError(p);
    }
  }

  /** Divisions whose last check found problems (for the dashboard). */
  async divisionsWithProblems(): Promise<{ division: number; problems: number; checkedAt: Date }[]> {
    const rows = await this.orm.em.fork().find(ConnectionHealthCheck, { problemCount: { $gt: 0 } }, { orderBy: { division: 'asc' } });
    return rows.map((r) => ({ division: r.division, problems: r.problemCount, checkedAt: r.checkedAt }));
  }
}

/** Global, without dependencies on other modules, so any module can register or gate a feature. */
@Global()
@Module({ providers: [HealthFeatureRegistry], exports: [HealthFeatureRegistry] })
export class HealthFeatureRegistryModule {}
