import type { EntityManager } from '@mikro-orm/postgresql';
import { Location } from '../locations/location.entity.js';
import { LocationInvoicing } from '../invoices/invoice.entity.js';
import { LedgerSetting } from '../ledgers/ledger-setting.entity.js';
import type { EndpointNeed, HealthFeature } from './connection-health.types.js';

const hasLocation = async (division: number, em: EntityManager) => (await em.count(Location, { exactDivision: division })) > 0;

const MASTER_DATA: EndpointNeed[] = [
  { endpoint: 'financial/GLAccounts', action: 'GET', right: 'viewMasterData', provenBy: 'glAccounts' },
  { endpoint: 'financial/Journals', action: 'GET', right: 'viewMasterData', provenBy: 'journals' },
  { endpoint: 'vat/VATCodes', action: 'GET', right: 'viewMasterData', provenBy: 'vatCodes' },
];

/**
 * The features Koppel has today and what each needs in Exact (rights named as in Exact: Stamgegevens → Gebruikers →
 * Rechten). Planning options, time export and transactions register theirs through HealthFeatureRegistry.register.
 */
export const BUILT_IN_FEATURES: HealthFeature[] = [
  {
    key: 'invoices',
    labelKey: 'connectionHealth.features.invoices',
    href: '/accounting/export',
    enabled: hasLocation,
    needs: [
      { endpoint: 'salesentry/SalesEntries', action: 'POST', right: 'salesEntries', keyField: 'EntryID' },
      ...MASTER_DATA,
      { endpoint: 'financial/FinancialPeriods', action: 'GET', right: 'viewMasterData', provenBy: 'financialPeriods' },
    ],
  },
  {
    key: 'invoice-pdfs',
    labelKey: 'connectionHealth.features.invoicePdfs',
    href: '/settings/locations',
    async enabled(division, em) {
      const locations = await em.find(Location, { exactDivision: division }, { fields: ['id'] });
      if (!locations.length) return false;
      const settings = await em.find(LocationInvoicing, { locationId: { $in: locations.map((l) => l.id) } });
      // a location without stored settings sends its PDFs (the default)
      return locations.some((l) => settings.find((s) => s.locationId === l.id)?.includePdf ?? true);
    },
    needs: [
      { endpoint: 'documents/Documents', action: 'POST', right: 'documents' },
      { endpoint: 'documents/DocumentAttachments', action: 'POST', right: 'documents' },
    ],
  },
  {
    key: 'customers',
    labelKey: 'connectionHealth.features.customers',
    href: '/customers/settings',
    enabled: hasLocation,
    needs: [
      { endpoint: 'crm/Accounts', action: 'POST', right: 'manageAccounts' },
      { endpoint: 'crm/Accounts', action: 'PUT', right: 'manageAccounts' },
    ],
  },
  {
    key: 'payments',
    labelKey: 'connectionHealth.features.payments',
    href: '/invoices',
    enabled: hasLocation,
    needs: [{ endpoint: 'cashflow/Receivables', action: 'GET', right: 'debtorReports' }],
  },
  {
    key: 'ledger-imports',
    labelKey: 'connectionHealth.features.ledgerImports',
    href: '/accounting',
    enabled: hasLocation,
    needs: MASTER_DATA,
  },
  {
    key: 'cost-centers',
    labelKey: 'connectionHealth.features.costCenters',
    href: '/accounting/cost-centers',
    async enabled(division, em) {
      const row = await em.findOne(LedgerSetting, { key: 'costDimensionsEnabled' });
      return row?.value === true && (await hasLocation(division, em));
    },
    needs: [
      { endpoint: 'hrm/Costcenters', action: 'GET', right: 'viewMasterData', provenBy: 'costCenters' },
      { endpoint: 'hrm/Costunits', action: 'GET', right: 'viewMasterData', provenBy: 'costUnits' },
    ],
  },
];
