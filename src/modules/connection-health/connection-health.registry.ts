import { Global, Injectable, Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ConflictError } from '../../common/errors.js';
import { HealthRights, rightKey } from './connection-health.rights.js';
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

/** A feature refused because Exact does not allow what it needs: the same message as on the Health page. */
export class FeatureBlockedError extends ConflictError {
  constructor(readonly problem: HealthProblem) {
    super(`Feature blocked: ${problem.code}`, problem.key, problem.params);
  }
}

/**
 * The port other modules use: register a feature (what it needs in Exact), ask whether it may be switched on
 * (gate), and read the problems the last check found for it (problemsFor — the export preflight reuses them).
 * problemsFor reads only the last check's results (no Exact calls); gate asks HealthRights (the shared rights cache).
 */
@Injectable()
export class HealthFeatureRegistry {
  private readonly features = new Map<string, HealthFeature>();

  constructor(
    private readonly orm: MikroORM,
    private readonly rights: HealthRights,
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
   * the ones given). The answers come from HealthRights, the cache the health check fills: a "yes" it still believes
   * costs nothing, a "no" is asked again (the right may have been granted since), a right never asked is asked now
   * (one users/UserHasRights call per right). Throws FeatureBlockedError with the Health page's text.
   */
  async gate(key: string, divisions?: number[]): Promise<void> {
    const feature = this.features.get(key);
    if (!feature) return;
    const em = this.orm.em.fork();
    const all = [...new Set((await em.find(Location, { exactDivision: { $ne: null } })).map((l) => l.exactDivision!))];
    for (const division of divisions ?? all) {
      const { answers } = await this.rights.resolve(division, feature.needs, { mode: 'confirm' });
      for (const need of feature.needs) {
        const a = answers.get(rightKey(need))!;
        if (!a.allowed) throw new FeatureBlockedError(accessProblem(need, feature, division, a.reason ?? 'NoRights'));
      }
    }
  }

  /**
   * For a screen that shows which features Exact refuses (the planning options): per feature key, the needs refused
   * in the division, and when the oldest answer was given. Reuses every answer still valid (mode `cached`) unless
   * `fresh` ("Check again").
   */
  async refusedNeeds(division: number, keys: string[], fresh = false): Promise<{ refused: Map<string, EndpointNeed[]>; askedAt: Date | null }> {
    const features = keys.map((k) => this.features.get(k)).filter((f): f is HealthFeature => !!f);
    const { answers } = await this.rights.resolve(division, features.flatMap((f) => f.needs), { mode: fresh ? 'fresh' : 'cached' });
    const refused = new Map(features.map((f) => [f.key, f.needs.filter((n) => !answers.get(rightKey(n))!.allowed)]));
    const times = [...answers.values()].map((a) => a.askedAt.getTime());
    return { refused, askedAt: times.length ? new Date(Math.min(...times)) : null };
  }

  /** Divisions whose last check found problems (for the dashboard). */
  async divisionsWithProblems(): Promise<{ division: number; problems: number; checkedAt: Date }[]> {
    const rows = await this.orm.em.fork().find(ConnectionHealthCheck, { problemCount: { $gt: 0 } }, { orderBy: { division: 'asc' } });
    return rows.map((r) => ({ division: r.division, problems: r.problemCount, checkedAt: r.checkedAt }));
  }
}

/** Global, without dependencies on other modules, so any module can register or gate a feature. */
@Global()
@Module({ providers: [HealthRights, HealthFeatureRegistry], exports: [HealthRights, HealthFeatureRegistry] })
export class HealthFeatureRegistryModule {}
