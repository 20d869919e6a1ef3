import { Inject, Injectable } from '@nestjs/common';
import {
  API_BUDGET,
  SYNC_DIVISION_SOURCE,
  type ApiBudget,
  type SyncDivisionSource,
  type SyncResourceDefinition,
  type SyncSchedule,
  type SyncTaskDefinition,
} from './sync.types.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,59}$/;

/**
 * The pluggable part of the sync engine. Other modules register their resources at start-up
 * (in a constructor or onModuleInit), and the Exact connection module plugs in its division source
 * and API budget:
 *
 *   registry.register({ name: 'customers', schedule: '15min', run: async (ctx) => { … } });
 *   registry.useDivisionSource(exactDivisions);  registry.useApiBudget(exactLimiter);
 */
@Injectable()
export class SyncRegistry {
  private readonly resources = new Map<string, SyncResourceDefinition>();
  private readonly tasks = new Map<string, SyncTaskDefinition>();
  private divisionOverride?: SyncDivisionSource;
  private budgetOverride?: ApiBudget;

  constructor(
    @Inject(SYNC_DIVISION_SOURCE) private readonly defaultDivisions: SyncDivisionSource,
    @Inject(API_BUDGET) private readonly defaultBudget: ApiBudget,
  ) {}

  register(resource: SyncResourceDefinition): void {
    if (!NAME.test(resource.name)) throw new Error(`sync resource name "${resource.name}" must match ${NAME}`);
    if (this.resources.has(resource.name)) throw new Error(`sync resource "${resource.name}" is already registered`);
    if (resource.schedule !== '15min' && resource.schedule !== 'nightly') throw new Error(`sync resource "${resource.name}": unknown schedule`);
    this.resources.set(resource.name, resource);
  }

  /** A one-off job kind (export runs, customer exports): started with SyncService.submit, run once per key. */
  registerTask(task: SyncTaskDefinition): void {
    if (!NAME.test(task.name)) throw new Error(`sync task name "${task.name}" must match ${NAME}`);
    if (this.tasks.has(task.name) || this.resources.has(task.name)) throw new Error(`sync task "${task.name}" is already registered`);
    this.tasks.set(task.name, task);
  }

  getTask(name: string): SyncTaskDefinition | undefined {
    return this.tasks.get(name);
  }

  /** For tests and hot reloads: removes a resource (or task) again. */
  unregister(name: string): void {
    this.resources.delete(name);
    this.tasks.delete(name);
  }

  get(name: string): SyncResourceDefinition | undefined {
    return this.resources.get(name);
  }

  list(schedule?: SyncSchedule): SyncResourceDefinition[] {
    return [...this.resources.values()].filter((r) => !schedule || r.schedule === schedule).sort((a, b) => a.name.localeCompare(b.name));
  }

  useDivisionSource(source: SyncDivisionSource): void {
    this.divisionOverride = source;
  }

  useApiBudget(budget: ApiBudget): void {
    this.budgetOverride = budget;
  }

  get divisions(): SyncDivisionSource {
    return this.divisionOverride ?? this.defaultDivisions;
  }

  get budget(): ApiBudget {
    return this.budgetOverride ?? this.defaultBudget;
  }
}
