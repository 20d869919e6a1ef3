import { GlAccount, GlAccountLink } from './gl-account.entity.js';
import { Journal } from './journal.entity.js';
import { VatCode, VatMapping, VatRate } from './vat.entity.js';
import { CostCenter, CostDimensionLink, CostUnit } from './cost-center.entity.js';
import { LedgerSetting } from './ledger-setting.entity.js';
import { LedgerImport } from './ledger-import.entity.js';

export const LEDGER_ENTITIES = [GlAccount, GlAccountLink, Journal, VatRate, VatCode, VatMapping, CostCenter, CostUnit, CostDimensionLink, LedgerSetting, LedgerImport];
