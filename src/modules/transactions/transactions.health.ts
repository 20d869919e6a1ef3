import type { EntityManager } from '@mikro-orm/postgresql';
import type { HealthFeature, JournalRef, MasterDataRefs } from '../connection-health/connection-health.types.js';
import { DeskTransaction, TransactionLocationSettings, TransactionType, TransactionTypeGl } from './transaction.entity.js';

/** Exact's journal types (API.md, financial/Journals Type): 10 cash, 90 general journal. */
const CASH = 10;
const GENERAL = 90;
const SETTINGS = '/accounting/transactions/settings';

/** The journals, GL accounts and years desk transactions of a division book into (for the master-data check). */
async function references(division: number, em: EntityManager): Promise<MasterDataRefs> {
  const settings = await em.find(TransactionLocationSettings, { location: { exactDivision: division } }, { populate: ['location', 'debtorsGlAccount'] });
  const journals: JournalRef[] = [];
  for (const s of settings) {
    const params = { location: s.location.name };
    if (s.cashJournalCode) journals.push({ code: s.cashJournalCode, types: [CASH], typeKey: 'transactions.health.journalTypeCash', typeFixKey: 'transactions.health.journalTypeCashFix', params, href: `${SETTINGS}/${s.location.id}` });
    if (s.miscJournalCode) journals.push({ code: s.miscJournalCode, types: [GENERAL], typeKey: 'transactions.health.journalTypeGeneral', typeFixKey: 'transactions.health.journalTypeGeneralFix', params, href: `${SETTINGS}/${s.location.id}` });
  }
  const locationIds = settings.map((s) => s.location.id);
  const gl = [
    ...settings.map((s) => s.debtorsGlAccount),
    ...(await em.find(TransactionType, { active: true }, { populate: ['glAccount'] })).map((t) => t.glAccount),
    ...(await em.find(TransactionTypeGl, { location: { $in: locationIds } }, { populate: ['glAccount'] })).map((t) => t.glAccount),
  ].filter((g): g is NonNullable<typeof g> => !!g);
  const glAccounts = [...new Map(gl.map((g) => [g.id, { id: g.id, number: g.number, name: g.name, href: SETTINGS }])).values()];
  // the years of the transactions still to send (their financial periods must exist)
  const waiting = await em.find(DeskTransaction, { location: { $in: locationIds }, state: { $ne: 'sent' } }, { fields: ['date'] });
  const years = [...new Set(waiting.map((t) => Number(String(t.date).slice(0, 4))))];
  return { journals, glAccounts, years };
}

/** Desk transactions: on for a division when one of its locations has a journal set for them. */
export const TRANSACTIONS_FEATURE: HealthFeature = {
  key: 'transactions',
  labelKey: 'transactions.health.feature',
  href: SETTINGS,
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
  references,
};
