import type { HealthFeature } from '../connection-health/connection-health.types.js';
import { TransactionLocationSettings } from './transaction.entity.js';

/** Desk transactions: on for a division when one of its locations has a journal set for them. */
export const TRANSACTIONS_FEATURE: HealthFeature = {
  key: 'transactions',
  labelKey: 'transactions.health.feature',
  href: '/accounting/transactions/settings',
  async enabled(division, em) {
    const n = await em.count(TransactionLocationSettings, {
      location: { exactDivision: division },
      $or: [{ cashJournalCode: { $ne: null } }, { miscJournalCode: { $ne: null } }],
    });
    return n > 0;
  },
  needs: [
    { endpoint: 'financialtransaction/CashEntries', action: 'POST', right: 'cashEntries', keyField: 'EntryID' },
    { endpoint: 'generaljournalentry/GeneralJournalEntries', action: 'POST', right: 'generalJournalEntries', keyField: 'EntryID' },
    { endpoint: 'financial/GLAccounts', action: 'GET', right: 'viewMasterData', provenBy: 'glAccounts' },
    { endpoint: 'financial/Journals', action: 'GET', right: 'viewMasterData', provenBy: 'journals' },
    { endpoint: 'financial/FinancialPeriods', action: 'GET', right: 'viewMasterData', provenBy: 'financialPeriods' },
  ],
};
