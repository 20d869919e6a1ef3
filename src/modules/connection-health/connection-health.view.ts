import type { HealthOverview } from './connection-health.service.js';
import type { HealthProblem } from './connection-health.types.js';

export interface ProblemView {
  code: string;
  key: string;
  params: Record<string, unknown>;
  fixKey: string;
  href?: string;
}

const problemView = (p: HealthProblem): ProblemView => ({ code: p.code, key: p.key, params: p.params, fixKey: p.fixKey, href: p.href });

/** The Health page's view model: per division the checklist of features and the problems with their fixes. */
export function healthPage(o: HealthOverview) {
  return {
    connected: o.connected,
    pending: o.divisions.some((d) => d.pending),
    divisions: o.divisions.map((d) => ({
      division: d.division,
      locations: d.locations,
      pending: d.pending,
      stale: d.stale && !d.pending,
      checked: !!d.result,
      checkedAt: d.result?.checkedAt,
      calls: d.result?.calls,
      // set when the check reused a "yes" Exact gave earlier: the oldest answer it rests on
      rightsAskedAt: d.result?.rightsAskedAt,
      error: d.result?.error,
      ok: !!d.result && !d.result.problems.length,
      problemCount: d.result?.problems.length ?? 0,
      features: (d.result?.features ?? []).map((f) => ({
        key: f.key,
        labelKey: f.labelKey,
        href: f.href,
        enabled: f.enabled,
        problems: f.problems,
        needs: f.needs.map((n) => ({ ...n, rightKey: `connectionHealth.rights.${n.right}`, state: n.ok === null ? 'off' : n.ok ? 'ok' : 'missing' })),
      })),
      // rights and modules first (they stop whole features), then master data
      problems: [...(d.result?.problems ?? [])].sort((a, b) => rank(a) - rank(b)).map(problemView),
    })),
  };
}

const rank = (p: HealthProblem) => (p.code.startsWith('right') || p.code === 'module_missing' ? 0 : p.code === 'check_failed' ? -1 : 1);
