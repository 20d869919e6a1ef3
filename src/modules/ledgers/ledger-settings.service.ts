import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { LedgerSetting } from './ledger-setting.entity.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import type { CostKind } from './cost-center.entity.js';

/** The installation's ledger settings (table ledger_setting). */
export interface LedgerSettings {
  /** Cost centres and cost units are used at all (Accounting → Cost centres & units). */
  costDimensionsEnabled: boolean;
  /** Invoice lines carry a cost centre / cost unit (sent on the sales entry lines). */
  invoiceLinesCarryCostDimensions: boolean;
  /**
   * ProPlanner's "create cost centres / cost units from resources": each planning resource gets one automatically
   * (the key keeps its first name; which of the two is `resourceCostKind`).
   */
  costUnitsFromResources: boolean;
  /** What a resource gets when `costUnitsFromResources` is on: a cost centre or a cost unit. */
  resourceCostKind: CostKind;
}

export const LEDGER_SETTING_DEFAULTS: LedgerSettings = {
  costDimensionsEnabled: false,
  invoiceLinesCarryCostDimensions: false,
  costUnitsFromResources: false,
  resourceCostKind: 'unit',
};

@Injectable()
export class LedgerSettingsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly health: HealthFeatureRegistry,
  ) {}

  async get(): Promise<LedgerSettings> {
    const rows = await this.orm.em.fork().find(LedgerSetting, { key: { $in: Object.keys(LEDGER_SETTING_DEFAULTS) } });
    const out = { ...LEDGER_SETTING_DEFAULTS };
    for (const r of rows) (out as Record<string, unknown>)[r.key] = r.value;
    return out;
  }

  async set(values: Partial<LedgerSettings>): Promise<LedgerSettings> {
    // an option whose Exact right is missing cannot be switched on (FeatureBlockedError, the Health page's words)
    if (values.costDimensionsEnabled === true && !(await this.get()).costDimensionsEnabled) await this.health.gate('cost-centers');
    const em = this.orm.em.fork();
    for (const [key, value] of Object.entries(values)) {
      if (!(key in LEDGER_SETTING_DEFAULTS) || value === undefined) continue;
      await em.upsert(LedgerSetting, { key, value, updatedAt: new Date() });
    }
    return this.get();
  }

  /** A raw flag (e.g. one-time seeding markers). */
  async flag(key: string): Promise<unknown> {
    return (await this.orm.em.fork().findOne(LedgerSetting, { key }))?.value;
  }

  async setFlag(key: string, value: unknown): Promise<void> {
    await this.orm.em.fork().upsert(LedgerSetting, { key, value, updatedAt: new Date() });
  }
}
