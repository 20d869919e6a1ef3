import { Global, Injectable, Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ConflictError } from '../../common/errors.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactForbiddenError } from '../../exact/errors.js';
import { ConnectionHealthCheck } from './connection-health.entity.js';
import { Location } from '../locations/location.entity.js';
import type { EndpointNeed, HealthFeature, HealthProblem, HealthResult } from './connection-health.types.js';

/** The problem for a need Exact refuses (the Health page, gates and preflights all use this one text). */
export function accessProblem(need: EndpointNeed, feature: HealthFeature, division: number, reason: string): HealthProblem {
  const code = reason === 'NoModuleInPackage' ? 'module_missing' : reason === 'NoRights' || !need.module ? 'right_missing' : 'right_or_module_missing';
  const params = { right: `connectionHealth.rights.${need.right}`, module: need.module ?? '', endpoint: need.endpoint, action: need.action, division, feature: feature.labelKey };
  return { code, key: `connectionHealth.problems.${code}`, params, fixKey: `connectionHealth.fixes.${code}`, features: [feature.key] };
}

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

  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
  ) {}

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
   * Refuses to switch a feature on when a right or module it needs is missing in a division Koppel books into (or
   * the ones given): from the last check when it looked at the feature, else asked of Exact now (one
   * users/UserHasRights call per right). Throws FeatureBlockedError with the Health page's text.
   */
  async gate(key: string, divisions?: number[]): Promise<void> {
    const feature = this.features.get(key);
    if (!feature) return;
    const em = this.orm.em.fork();
    const all = [...new Set((await em.find(Location, { exactDivision: { $ne: null } })).map((l) => l.exactDivision!))];
    for (const division of divisions ?? all) {
      const cached = (await em.findOne(ConnectionHealthCheck, { division }))?.result;
      const status = cached?.features.find((f) => f.key === key);
      if (status?.enabled) {
        const p = cached!.problems.find((x) => x.features.includes(key) && GATING.includes(x.code));
        if (p) throw new FeatureBlockedError(p);
        continue;
      }
      const asked = new Map<string, boolean>();
      for (const need of feature.needs) {
        const right = need.module ? `${need.right}|${need.module}` : need.right;
        let refusedWith: string | undefined;
        if (!asked.has(right)) {
          try {
            asked.set(right, await this.client.division(division).userHasRights(need.endpoint, need.action));
          } catch (e) {
            // Exact may refuse the question itself for an endpoint outside the package: that is a refusal, not a 500
            if (!(e instanceof ExactForbiddenError)) throw e;
            asked.set(right, false);
            refusedWith = e.reason || undefined;
          }
        }
        if (!asked.get(right)) {
          const reason = refusedWith ?? (need.module ? ((await this.client.division(division).refusal(need.endpoint, need.keyField)) ?? 'NoRights') : 'NoRights');
          throw new FeatureBlockedError(accessProblem(need, feature, division, reason));
        }
      }
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
