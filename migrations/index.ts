// The migrations, in order. `npm run migration:create -- <Name>` generates a new one into this folder
// from the difference between the entities and these migrations; add its class here.
// Landed migrations are never rewritten.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121225430_Initial } from './Migration20261121225430_Initial.js';
import { Migration20261121230350_Sync } from './Migration20261121230350_Sync.js';
import { Migration20261121230816_Exact } from './Migration20261121230816_Exact.js';
import { Migration20261121231623_Customers } from './Migration20261121231623_Customers.js';
import { Migration20261121231846_Ledgers } from './Migration20261121231846_Ledgers.js';
import { Migration20261121231924_Webhooks } from './Migration20261121231924_Webhooks.js';
import { Migration20261121232442_Invoices } from './Migration20261121232442_Invoices.js';
import { Migration20261121232618_InvoiceExportRuns } from './Migration20261121232618_InvoiceExportRuns.js';
import { Migration20261121233002_InvoiceListIndexes } from './Migration20261121233002_InvoiceListIndexes.js';
import { Migration20261121235227_Payments } from './Migration20261121235227_Payments.js';
import { Migration20261202033507_FormSubmissions } from './Migration20261202033507_FormSubmissions.js';
import { Migration20261202065525_Planning } from './Migration20261202065525_Planning.js';
import { Migration20261202065739_InvoiceSender } from './Migration20261202065739_InvoiceSender.js';
import { Migration20261202070413_SyncTaskRuns } from './Migration20261202070413_SyncTaskRuns.js';
import { Migration20261202070622_Transactions } from './Migration20261202070622_Transactions.js';
import { Migration20261202071433_ConnectionHealth } from './Migration20261202071433_ConnectionHealth.js';
import { Migration20261202071929_PlanningSync } from './Migration20261202071929_PlanningSync.js';
import { Migration20261202072500_PlanningBoard } from './Migration20261202072500_PlanningBoard.js';
import { Migration20261202073058_TimeTracking } from './Migration20261202073058_TimeTracking.js';
import { Migration20261202080350_CustomerExportRequestOnly } from './Migration20261202080350_CustomerExportRequestOnly.js';
import { Migration20261202081500_PlanningBoardSpeed } from './Migration20261202081500_PlanningBoardSpeed.js';
import { Migration20261202125531_HealthRights } from './Migration20261202125531_HealthRights.js';
import { Migration20261202130644_ExportRunRequestOnly } from './Migration20261202130644_ExportRunRequestOnly.js';
import { Migration20261202133607_PlanningCardSearch } from './Migration20261202133607_PlanningCardSearch.js';
import { Migration20261202154359_PlanResourceCostKind } from './Migration20261202154359_PlanResourceCostKind.js';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261121225430_Initial', class: Migration20261121225430_Initial },
  { name: 'Migration20261121230350_Sync', class: Migration20261121230350_Sync },
  { name: 'Migration20261121230816_Exact', class: Migration20261121230816_Exact },
  { name: 'Migration20261121231623_Customers', class: Migration20261121231623_Customers },
  { name: 'Migration20261121231846_Ledgers', class: Migration20261121231846_Ledgers },
  { name: 'Migration20261121231924_Webhooks', class: Migration20261121231924_Webhooks },
  { name: 'Migration20261121232442_Invoices', class: Migration20261121232442_Invoices },
  { name: 'Migration20261121232618_InvoiceExportRuns', class: Migration20261121232618_InvoiceExportRuns },
  { name: 'Migration20261121233002_InvoiceListIndexes', class: Migration20261121233002_InvoiceListIndexes },
  { name: 'Migration20261121235227_Payments', class: Migration20261121235227_Payments },
  { name: 'Migration20261202033507_FormSubmissions', class: Migration20261202033507_FormSubmissions },
  { name: 'Migration20261202065525_Planning', class: Migration20261202065525_Planning },
  { name: 'Migration20261202065739_InvoiceSender', class: Migration20261202065739_InvoiceSender },
  { name: 'Migration20261202070413_SyncTaskRuns', class: Migration20261202070413_SyncTaskRuns },
  { name: 'Migration20261202070622_Transactions', class: Migration20261202070622_Transactions },
  { name: 'Migration20261202071433_ConnectionHealth', class: Migration20261202071433_ConnectionHealth },
  { name: 'Migration20261202071929_PlanningSync', class: Migration20261202071929_PlanningSync },
  { name: 'Migration20261202072500_PlanningBoard', class: Migration20261202072500_PlanningBoard },
  { name: 'Migration20261202073058_TimeTracking', class: Migration20261202073058_TimeTracking },
  { name: 'Migration20261202080350_CustomerExportRequestOnly', class: Migration20261202080350_CustomerExportRequestOnly },
  { name: 'Migration20261202081500_PlanningBoardSpeed', class: Migration20261202081500_PlanningBoardSpeed },
  { name: 'Migration20261202125531_HealthRights', class: Migration20261202125531_HealthRights },
  { name: 'Migration20261202130644_ExportRunRequestOnly', class: Migration20261202130644_ExportRunRequestOnly },
  { name: 'Migration20261202133607_PlanningCardSearch', class: Migration20261202133607_PlanningCardSearch },
  { name: 'Migration20261202154359_PlanResourceCostKind', class: Migration20261202154359_PlanResourceCostKind },
];
