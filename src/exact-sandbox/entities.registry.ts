import type { EntityContext, Registry } from './entity.context.js';
import { badRequest } from './entity.engine.js';
import { fields, type EntityDef } from './entity.types.js';
import {
  afterSalesEntryLineWrite, beforeDeleteCashEntry, beforeDeleteSalesEntry, beforeDeleteSalesEntryLine, createCashEntry, createGeneralJournalEntry,
  createSalesEntry, createSalesEntryLine, validateSalesEntryLine, validateSalesEntryUpdate,
} from './finance.logic.js';
import { PLANNING_ENTITIES } from './planning/planning.entities.js';
import { padCode } from './prng.util.js';
import { PUBLIC_CLIENT_FIELDS } from './public-fields.js';
import { DEMO_USER_ID, type Row } from './sandbox.types.js';

/**
 * All entities of the sandbox, one declarative definition each.
 * See docs/sandbox.md "How to add an entity".
 */

const AUDIT = 'Created:date Creator:guid CreatorFullName Modified:date Modifier:guid ModifierFullName Division:int';
const AUDIT_RO = ['Created', 'Creator', 'CreatorFullName', 'Modified', 'Modifier', 'ModifierFullName', 'Division'];
const GPUD = ['GET', 'POST', 'PUT', 'DELETE'] as const;

function unique(ctx: EntityContext, name: string, field: string, row: Row, before: Row | undefined, msg: string): void {
  const key = ctx.registry.def(name).key;
  const norm = (v: unknown) => String(v ?? '').trim().toLowerCase();
  const clash = ctx.find(name, (r) => norm(r[field]) === norm(row[field]) && r[key] !== before?.[key] && r !== before);
  if (clash) throw badRequest(msg);
}

function nextAccountCode(ctx: EntityContext): string {
  let max = 0;
  for (const r of ctx.table('Accounts').rows.values()) {
    const n = Number(String(r.Code).trim());
    if (Number.isInteger(n) && n > max) max = n;
  }
  return padCode(max + 1);
}

function refCheck(ctx: EntityContext, entity: string, id: unknown, label: string): void {
  if (id && !ctx.get(entity, id as string)) throw badRequest(`Ongeldige referentie: ${label}`);
}

export const GL_TYPES = new Set([10, 12, 14, 16, 20, 21, 22, 24, 25, 26, 27, 29, 30, 32, 35, 40, 50, 52, 55, 60, 90, 100, 110, 111, 120, 121, 122, 123, 125, 126, 130, 140, 150, 160, 300, 301, 302]);
export const JOURNAL_TYPES = new Set([10, 12, 16, 20, 21, 22, 23, 90]);
export const WEBHOOK_TOPICS = new Set(['Accounts', 'BankAccounts', 'Contacts', 'CostTransactions', 'Documents', 'FinancialTransactions', 'GoodsDeliveries',
  'Items', 'PurchaseOrders', 'Quotations', 'SalesInvoices', 'SalesOrders', 'StockPositions', 'TimeTransactions', 'SalesEntries', 'PurchaseEntries',
  'BankEntries', 'CashEntries', 'GeneralJournalEntries', 'Subscriptions', 'Projects', 'GLAccounts', 'PurchaseInvoices', 'ProjectPlanning', 'ShopOrders', 'Addresses']);

const accounts: EntityDef = {
  name: 'Accounts', paths: ['crm/Accounts'], type: 'Account', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Code Name SearchCode Status IsSales:bool IsSupplier:bool Blocked:bool Type AddressLine1 AddressLine2 AddressLine3
    Postcode City State Country CountryName Email Phone PhoneExtension Fax Website VATNumber ChamberOfCommerce Classification1:guid
    MainContact:guid InvoiceAccount:guid PaymentConditionSales PaymentConditionPurchase SalesVATCode PurchaseVATCode GLAR:guid GLAP:guid
    GLAccountSales:guid GLAccountPurchase:guid DiscountSales:num DiscountPurchase:num CreditLineSales:num CreditLinePurchase:num
    InvoicingMethod:int Language StartDate:date EndDate:date Remarks BankAccounts:coll ${AUDIT}`),
  readOnly: ['Type', 'CountryName', ...AUDIT_RO],
  required: ['Name'],
  sync: 'CRM/Accounts', bulk: 'CRM/Accounts', deletedType: 2, topics: ['Accounts'],
  mandatoryFilter: ['Accountant', 'AccountManager', 'Blocked', 'ChamberOfCommerce', 'City', 'Classification1', 'Classification2', 'Classification3',
    'Classification4', 'Classification5', 'Classification6', 'Classification7', 'Classification8', 'Code', 'Country', 'Created', 'Email', 'ID',
    'IsSales', 'IsSupplier', 'Modified', 'Name', 'Postcode', 'SearchCode', 'Status', 'VATNumber'],
  validate(ctx, row, mode, before) {
    if (row.Code === undefined || row.Code === null || String(row.Code).trim() === '') row.Code = nextAccountCode(ctx);
    else row.Code = /^\d+$/.test(String(row.Code).trim()) ? padCode(String(row.Code)) : String(row.Code).trim().padStart(18, ' ');
    if (String(row.Code).length > 18) throw badRequest('Ongeldig: Code');
    unique(ctx, 'Accounts', 'Code', row, before, `Code bestaat al: ${String(row.Code).trim()}`);
    if (row.Status && !['A', 'S', 'P', 'C'].includes(String(row.Status))) throw badRequest('Ongeldig: Status');
    if (mode === 'create') {
      row.Status ??= 'C'; row.IsSales ??= true; row.IsSupplier ??= false; row.Blocked ??= false; row.Type = 'A';
    }
    if (row.Country) row.Country = String(row.Country).trim().toUpperCase().padEnd(3, ' ');
    refCheck(ctx, 'GLAccounts', row.GLAccountSales, 'Grootboekrekening');
  },
  beforeDelete(ctx, row) {
    if (ctx.find('SalesEntries', (e) => e.Customer === row.ID)) throw badRequest('Relatie is in gebruik en kan niet worden verwijderd');
  },
};

const contacts: EntityDef = {
  name: 'Contacts', paths: ['crm/Contacts'], type: 'Contact', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Account:guid AccountName FirstName MiddleName LastName FullName Initials Title Gender Email BusinessEmail Phone
    BusinessPhone Mobile BusinessMobile JobTitleDescription IsMainContact:bool Code HID:int City Country Postcode Notes ${AUDIT}`),
  readOnly: ['AccountName', 'FullName', 'IsMainContact', 'Code', 'HID', ...AUDIT_RO],
  required: ['Account'],
  sync: 'CRM/Contacts', bulk: 'CRM/Contacts', deletedType: 5, topics: ['Contacts'],
  mandatoryFilter: ['Account', 'Code', 'Created', 'Email', 'FirstName', 'FullName', 'HID', 'ID', 'LastName', 'Modified'],
  validate(ctx, row, mode) {
    if (!row.FirstName && !row.LastName) throw badRequest('Verplicht: Achternaam');
    const acc = ctx.get('Accounts', row.Account as string);
    if (!acc) throw badRequest('Ongeldige referentie: Relatie');
    row.AccountName = acc.Name;
    row.Code = acc.Code;
    row.FullName = [row.FirstName, row.MiddleName, row.LastName].filter(Boolean).join(' ');
    if (mode === 'create') {
      row.HID = ctx.table('Contacts').rows.size + 1;
      row.IsMainContact = !ctx.find('Contacts', (c) => c.Account === row.Account);
    }
  },
};

const addresses: EntityDef = {
  name: 'Addresses', paths: ['crm/Addresses'], type: 'Address', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Account:guid AccountName Type:int Main:bool AddressLine1 AddressLine2 AddressLine3 Postcode City State Country
    Contact:guid Warehouse:guid Phone Notes ${AUDIT}`),
  readOnly: ['AccountName', ...AUDIT_RO],
  required: ['Account'],
  sync: 'CRM/Addresses', bulk: 'CRM/Addresses', deletedType: 3, topics: ['Addresses'],
  mandatoryFilter: ['Account', 'Created', 'ID', 'Modified', 'Type', 'Postcode', 'City'],
  validate(ctx, row) {
    const acc = ctx.get('Accounts', row.Account as string);
    if (!acc) throw badRequest('Ongeldige referentie: Relatie');
    row.AccountName = acc.Name;
    row.Type ??= 1;
    if (![1, 2, 3, 4].includes(row.Type as number)) throw badRequest('Ongeldig: Type');
    row.Main ??= false;
  },
};

const glAccounts: EntityDef = {
  name: 'GLAccounts', paths: ['financial/GLAccounts'], type: 'GLAccount', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Code Description Type:int TypeDescription BalanceSide BalanceType IsBlocked:bool VATCode VATDescription Costcenter
    Costunit UseCostcenter:byte UseCostunit:byte Matching:bool SearchCode ${AUDIT}`),
  readOnly: ['TypeDescription', 'VATDescription', ...AUDIT_RO],
  required: ['Code', 'Description'],
  labels: { Code: 'Code', Description: 'Omschrijving' },
  sync: 'Financial/GLAccounts', bulk: 'Financial/GLAccounts', deletedType: 7, topics: ['GLAccounts'],
  mandatoryFilter: ['Code', 'Created', 'Description', 'ID', 'IsBlocked', 'Modified', 'Type'],
  validate(ctx, row, mode, before) {
    row.Type ??= 90;
    if (!GL_TYPES.has(row.Type as number)) throw badRequest('Ongeldig: Grootboekrekeningtype');
    unique(ctx, 'GLAccounts', 'Code', row, before, `Code bestaat al: ${String(row.Code)}`);
    if (row.BalanceSide && !['D', 'C'].includes(String(row.BalanceSide))) throw badRequest('Ongeldig: BalanceSide');
    if (row.BalanceType && !['B', 'W'].includes(String(row.BalanceType))) throw badRequest('Ongeldig: BalanceType');
    if (mode === 'create') {
      row.IsBlocked ??= false;
      row.BalanceType ??= (row.Type as number) >= 100 ? 'W' : 'B';
      row.BalanceSide ??= row.Type === 110 || row.Type === 140 || row.Type === 160 ? 'C' : 'D';
      row.UseCostcenter ??= 0; row.UseCostunit ??= 0; row.Matching ??= false;
    }
    if (row.VATCode && !ctx.find('VATCodes', (v) => String(v.Code).trim() === String(row.VATCode).trim())) throw badRequest('Ongeldige referentie: BTW-code');
  },
  beforeDelete(ctx, row) {
    if (ctx.find('TransactionLines', (t) => t.GLAccount === row.ID)) throw badRequest('Grootboekrekening is in gebruik en kan niet worden verwijderd');
  },
};

const journals: EntityDef = {
  name: 'Journals', paths: ['financial/Journals'], type: 'Journal', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Code Description Type:int GLAccount:guid GLAccountCode GLAccountDescription GLAccountType:int Currency
    AllowVariableCurrency:bool AllowVariableExchangeRate:bool AllowVAT:bool AutoSave:bool IsBlocked:bool BankAccountIBAN BankAccountID:guid
    PaymentServiceProvider:int ${AUDIT}`),
  readOnly: ['GLAccountCode', 'GLAccountDescription', 'GLAccountType', ...AUDIT_RO],
  required: ['Code', 'Description', 'Type'],
  validate(ctx, row, mode, before) {
    if (!JOURNAL_TYPES.has(row.Type as number)) throw badRequest('Ongeldig: Dagboektype');
    unique(ctx, 'Journals', 'Code', row, before, `Code bestaat al: ${String(row.Code)}`);
    if (row.GLAccount) {
      const gl = ctx.get('GLAccounts', row.GLAccount as string);
      if (!gl) throw badRequest('Ongeldige referentie: Grootboekrekening');
      Object.assign(row, { GLAccountCode: gl.Code, GLAccountDescription: gl.Description, GLAccountType: gl.Type });
    } else if ([10, 12].includes(row.Type as number)) throw badRequest('Verplicht: Grootboekrekening');
    if (mode === 'create') { row.Currency ??= 'EUR'; row.IsBlocked ??= false; row.AllowVAT ??= true; }
  },
  beforeDelete(ctx, row) {
    if (ctx.find('TransactionLines', (t) => t.JournalCode === row.Code)) throw badRequest('Dagboek is in gebruik en kan niet worden verwijderd');
  },
};

const vatCodes: EntityDef = {
  name: 'VATCodes', paths: ['vat/VATCodes'], type: 'VATCode', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Code Description Percentage:num Type VATTransactionType Charged:bool EUSalesListing GLToPay:guid GLToClaim:guid
    IsBlocked:bool VATPercentages:coll ${AUDIT}`),
  readOnly: AUDIT_RO,
  required: ['Code', 'Description'],
  validate(ctx, row, mode, before) {
    row.Code = String(row.Code).trim().padEnd(3, ' ');
    if (String(row.Code).length > 3) throw badRequest('Ongeldig: Code');
    unique(ctx, 'VATCodes', 'Code', row, before, `Code bestaat al: ${String(row.Code).trim()}`);
    if (mode === 'create') { row.Percentage ??= 0; row.Type ??= 'E'; row.VATTransactionType ??= 'B'; row.IsBlocked ??= false; row.Charged ??= false; }
  },
};

function costDef(name: string, path: string, type: string): EntityDef {
  return {
    name, paths: [path], type, key: 'ID', keyType: 'guid', verbs: [...GPUD],
    fields: fields(`ID:guid Code Description Active:bool EndDate:date ${AUDIT}`),
    readOnly: AUDIT_RO,
    required: ['Code', 'Description'],
    validate(ctx, row, _mode, before) {
      unique(ctx, name, 'Code', row, before, `Code bestaat al: ${String(row.Code)}`);
    },
  };
}

const financialPeriods: EntityDef = {
  name: 'FinancialPeriods', paths: ['financial/FinancialPeriods'], type: 'FinancialPeriod', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: fields(`ID:guid FinYear:int FinPeriod:int StartDate:date EndDate:date ${AUDIT}`),
};

const SALES_ENTRY_FIELDS = `EntryID:guid Journal JournalDescription Customer:guid CustomerName EntryDate:date EntryNumber:int InvoiceNumber:int
  YourRef Description Currency Rate:num DueDate:date PaymentCondition PaymentReference ReportingYear:int ReportingPeriod:int Document:guid
  Type:int TypeDescription Status:int StatusDescription AmountFC:num AmountDC:num VATAmountFC:num VATAmountDC:num Reversal:bool OrderNumber:int
  BatchNumber:int ProcessNumber:int ExternalLinkReference SalesEntryLines:coll ${AUDIT}`;

const salesEntries: EntityDef = {
  name: 'SalesEntries', paths: ['salesentry/SalesEntries'], type: 'SalesEntry', key: 'EntryID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(SALES_ENTRY_FIELDS),
  readOnly: ['JournalDescription', 'CustomerName', 'Type', 'TypeDescription', 'Status', 'StatusDescription', 'AmountFC', 'AmountDC', 'VATAmountDC', ...AUDIT_RO],
  updatable: ['YourRef', 'Description', 'Document', 'PaymentReference', 'DueDate', 'OrderNumber', 'ExternalLinkReference'],
  required: ['Journal', 'Customer', 'SalesEntryLines'],
  labels: { Journal: 'Dagboek', Customer: 'Klant', SalesEntryLines: 'Boekingsregels' },
  lines: { field: 'SalesEntryLines', entity: 'SalesEntryLines', fk: 'EntryID' },
  topics: ['SalesEntries', 'FinancialTransactions'],
  create: createSalesEntry,
  validate(ctx, row, mode, before) {
    validateSalesEntryUpdate(ctx, row, mode, before);
    if (row.Document) refCheck(ctx, 'Documents', row.Document, 'Document');
  },
  beforeDelete: beforeDeleteSalesEntry,
};

const salesEntryLines: EntityDef = {
  name: 'SalesEntryLines', paths: ['salesentry/SalesEntryLines'], type: 'SalesEntryLine', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid EntryID:guid LineNumber:int GLAccount:guid GLAccountCode GLAccountDescription AmountFC:num AmountDC:num VATCode
    VATPercentage:num VATAmountFC:num VATAmountDC:num VATBaseAmountFC:num VATBaseAmountDC:num Description Notes Quantity:num CostCenter CostUnit
    Project:guid From:date To:date Type:int Division:int`),
  readOnly: ['LineNumber', 'GLAccountCode', 'GLAccountDescription', 'AmountDC', 'VATAmountDC', 'VATBaseAmountDC', 'Type', 'Division'],
  updatable: ['GLAccount', 'AmountFC', 'VATCode', 'VATAmountFC', 'Description', 'Notes', 'Quantity', 'CostCenter', 'CostUnit', 'Project', 'From', 'To'],
  labels: { EntryID: 'Boeking', GLAccount: 'Grootboekrekening', AmountFC: 'Bedrag' },
  create: createSalesEntryLine,
  validate: validateSalesEntryLine,
  beforeDelete: beforeDeleteSalesEntryLine,
  afterWrite: afterSalesEntryLineWrite,
};

const documents: EntityDef = {
  name: 'Documents', paths: ['documents/Documents'], type: 'Document', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Subject Type:int TypeDescription Account:guid AccountName Contact:guid Project:guid DocumentDate:date Category:guid
    DocumentFolder:guid Body FinancialTransactionEntryID:guid SalesInvoiceNumber:int SalesOrderNumber:int ShopOrderNumber:int HID:int AmountFC:num
    Currency ProposedEntryStatus:int Attachments:coll ${AUDIT}`),
  readOnly: ['TypeDescription', 'AccountName', 'HID', ...AUDIT_RO],
  required: ['Subject', 'Type'],
  labels: { Subject: 'Onderwerp', Type: 'Documenttype' },
  sync: 'Documents/Documents', bulk: 'Documents/Documents', deletedType: 6, topics: ['Documents'],
  mandatoryFilter: ['Account', 'Created', 'HID', 'ID', 'Modified', 'Subject', 'Type', 'FinancialTransactionEntryID'],
  validate(ctx, row, mode) {
    const type = ctx.get('DocumentTypes', row.Type as number);
    if (!type) throw badRequest('Ongeldige referentie: Documenttype');
    row.TypeDescription = type.Description;
    if (row.Account) {
      const acc = ctx.get('Accounts', row.Account as string);
      if (!acc) throw badRequest('Ongeldige referentie: Relatie');
      row.AccountName = acc.Name;
    }
    if (mode === 'create') {
      let max = 0;
      for (const d of ctx.table('Documents').rows.values()) max = Math.max(max, d.HID as number);
      row.HID = max + 1;
      row.DocumentDate ??= ctx.today();
    }
  },
  beforeDelete(ctx, row) {
    for (const a of ctx.filter('DocumentAttachments', (x) => x.Document === row.ID)) ctx.remove('DocumentAttachments', a.ID as string, false);
  },
};

const documentTypes: EntityDef = {
  name: 'DocumentTypes', paths: ['documents/DocumentTypes'], type: 'DocumentType', key: 'ID', keyType: 'int', verbs: ['GET'],
  fields: fields('ID:int Description TypeCategory:int DocumentIsCreatable:bool DocumentIsUpdatable:bool DocumentIsDeletable:bool DocumentIsViewable:bool'),
};

const documentAttachments: EntityDef = {
  name: 'DocumentAttachments', paths: ['documents/DocumentAttachments'], type: 'DocumentAttachment', key: 'ID', keyType: 'guid', verbs: ['GET', 'POST', 'DELETE'],
  fields: fields(`ID:guid Document:guid FileName Attachment:b64 FileSize:num Url ${AUDIT}`),
  readOnly: ['FileSize', 'Url', ...AUDIT_RO],
  required: ['Document', 'FileName', 'Attachment'],
  sync: 'Documents/DocumentAttachments', bulk: 'Documents/DocumentAttachments', deletedType: 4,
  mandatoryFilter: ['Document', 'ID', 'Created', 'Modified'],
  validate(ctx, row) {
    refCheck(ctx, 'Documents', row.Document, 'Document');
    const b64 = String(row.Attachment);
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(b64)) throw badRequest('Ongeldig: Attachment');
    const bytes = Buffer.from(b64, 'base64');
    row._bytes = b64.replace(/\s/g, '');
    row.Attachment = null;
    row.FileSize = bytes.length;
  },
  afterWrite(ctx, row, action) {
    if (action === 'create') {
      row.Url = `${ctx.divisionBase.replace(/api\/v1\/\d+\/$/, '')}docs/DocumentAttachment.aspx?ID=${String(row.ID)}&Division=${ctx.division}`;
      const doc = ctx.get('Documents', row.Document as string);
      if (doc) ctx.touch('Documents', doc);
    }
  },
};

const receivables: EntityDef = {
  name: 'Receivables', paths: ['cashflow/Receivables'], type: 'Receivable', key: 'ID', keyType: 'guid', verbs: ['GET', 'PUT'],
  fields: fields(`ID:guid Account:guid AccountCode AccountName AmountDC:num AmountFC:num TransactionAmountDC:num TransactionAmountFC:num Currency
    RateFC:num Description DueDate:date EntryDate:date InvoiceDate:date EntryNumber:int InvoiceNumber:int IsFullyPaid:bool LastPaymentDate:date
    EndDate:date EndYear:int EndPeriod:int Journal GLAccount:guid GLAccountCode PaymentMethod PaymentReference Status:int TransactionEntryID:guid
    TransactionID:guid TransactionType:int TransactionIsReversal:bool YourRef Source:int ${AUDIT}`),
  updatable: ['PaymentMethod', 'Description', 'PaymentReference'],
  sync: 'Cashflow/PaymentTerms', syncOnly: fields('LineType:int ApprovalStatus:int'), bulk: 'Cashflow/Receivables', deletedType: 10,
  mandatoryFilter: ['Account', 'AccountCode', 'DueDate', 'EntryNumber', 'ID', 'InvoiceNumber', 'IsFullyPaid', 'Modified', 'Status', 'TransactionEntryID', 'YourRef'],
  validate(_ctx, row) {
    if (row.PaymentMethod && !['B', 'I', 'K', 'V'].includes(String(row.PaymentMethod))) throw badRequest('Ongeldig: Betaalwijze');
  },
};

const receivablesList: EntityDef = {
  name: 'ReceivablesList', paths: ['read/financial/ReceivablesList'], type: 'ReceivablesListItem', key: 'HID', keyType: 'int', verbs: ['GET'],
  fields: fields(`HID:int64 AccountId:guid AccountCode AccountName Amount:num AmountInTransit:num CurrencyCode Description DueDate:date InvoiceDate:date
    InvoiceNumber:int EntryNumber:int JournalCode JournalDescription YourRef Notes`),
  virtualRows: (ctx) => ctx.filter('Receivables', (r) => r.Status !== 50).map((r) => ({
    HID: r._hid, AccountId: r.Account, AccountCode: r.AccountCode, AccountName: r.AccountName, Amount: Math.round(((r.AmountDC as number) - (r._paid as number)) * 100) / 100,
    AmountInTransit: 0, CurrencyCode: 'EUR', Description: r.Description, DueDate: r.DueDate, InvoiceDate: r.InvoiceDate, InvoiceNumber: r.InvoiceNumber,
    EntryNumber: r.EntryNumber, JournalCode: r.Journal, JournalDescription: null, YourRef: r.YourRef, Notes: null,
  })),
};

const TX_FIELDS = `ID:guid EntryID:guid EntryNumber:int JournalCode JournalDescription Type:int Date:date FinancialYear:int FinancialPeriod:int
  LineNumber:int GLAccount:guid GLAccountCode GLAccountDescription Account:guid AccountCode AccountName AmountDC:num AmountFC:num AmountVATFC:num
  AmountVATBaseFC:num VATCode VATPercentage:num InvoiceNumber:int YourRef Description Notes PaymentReference OrderNumber:int DueDate:date CostCenter
  CostUnit Project:guid Item:guid Quantity:num Status:int LineType:int OffsetID:guid ExchangeRate:num Currency Document:guid ${AUDIT}`;

const transactionLines: EntityDef = {
  name: 'TransactionLines', paths: ['financialtransaction/TransactionLines'], type: 'TransactionLine', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: fields(TX_FIELDS),
  sync: 'Financial/TransactionLines', bulk: 'Financial/TransactionLines', deletedType: 1,
  mandatoryFilter: ['Account', 'Date', 'EntryID', 'EntryNumber', 'FinancialPeriod', 'FinancialYear', 'GLAccount', 'ID', 'InvoiceNumber', 'JournalCode', 'Modified', 'Type', 'YourRef'],
};

function cashDef(name: 'BankEntries' | 'CashEntries', path: string, type: string): EntityDef {
  return {
    name, paths: [path], type, key: 'EntryID', keyType: 'guid', verbs: ['GET', 'POST', 'DELETE'],
    fields: fields(`EntryID:guid JournalCode JournalDescription EntryNumber:int FinancialYear:int FinancialPeriod:int Currency OpeningBalanceFC:num
      ClosingBalanceFC:num BankStatementDocument:guid Status:int ${name === 'BankEntries' ? 'BankEntryLines' : 'CashEntryLines'}:coll ${AUDIT}`),
    readOnly: ['JournalDescription', 'EntryNumber', 'Status', 'ClosingBalanceFC', ...AUDIT_RO],
    required: ['JournalCode'],
    lines: { field: name === 'BankEntries' ? 'BankEntryLines' : 'CashEntryLines', entity: `${name.replace('Entries', 'EntryLines')}`, fk: 'EntryID' },
    topics: ['FinancialTransactions', name],
    create: createCashEntry(name),
    beforeDelete: beforeDeleteCashEntry,
  };
}

function cashLineDef(name: string, path: string, type: string): EntityDef {
  return {
    name, paths: [path], type, key: 'ID', keyType: 'guid', verbs: ['GET'],
    fields: fields(`ID:guid EntryID:guid LineNumber:int Date:date AmountFC:num AmountDC:num GLAccount:guid GLAccountCode Account:guid AccountCode
      AccountName Description OurRef:int VATCode AmountVATFC:num CostCenter CostUnit Project:guid Document:guid Notes ExchangeRate:num OffsetID:guid Division:int`),
    readOnly: ['LineNumber', 'AmountDC', 'GLAccountCode', 'AccountCode', 'AccountName', 'OffsetID', 'Division'],
  };
}

const generalJournalEntries: EntityDef = {
  name: 'GeneralJournalEntries', paths: ['generaljournalentry/GeneralJournalEntries'], type: 'GeneralJournalEntry', key: 'EntryID', keyType: 'guid',
  verbs: ['GET', 'POST', 'DELETE'],
  fields: fields(`EntryID:guid JournalCode JournalDescription EntryNumber:int FinancialYear:int FinancialPeriod:int Currency ExchangeRate:num Reversal:bool
    Status:int Type:int GeneralJournalEntryLines:coll ${AUDIT}`),
  readOnly: ['JournalDescription', 'EntryNumber', 'Status', 'Type', ...AUDIT_RO],
  required: ['JournalCode'],
  lines: { field: 'GeneralJournalEntryLines', entity: 'GeneralJournalEntryLines', fk: 'EntryID' },
  topics: ['FinancialTransactions', 'GeneralJournalEntries'],
  create: createGeneralJournalEntry,
  beforeDelete: beforeDeleteCashEntry,
};

const generalJournalEntryLines: EntityDef = {
  name: 'GeneralJournalEntryLines', paths: ['generaljournalentry/GeneralJournalEntryLines'], type: 'GeneralJournalEntryLine', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: fields(`ID:guid EntryID:guid LineNumber:int Date:date GLAccount:guid GLAccountCode AmountFC:num AmountDC:num AmountVATFC:num VATCode Account:guid
    Description CostCenter CostUnit Project:guid Quantity:num OurRef:int Document:guid Division:int`),
  readOnly: ['LineNumber', 'AmountDC', 'GLAccountCode', 'Division'],
};

const items: EntityDef = {
  name: 'Items', paths: ['logistics/Items'], type: 'Item', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: fields(`ID:guid Code Description ExtraDescription Unit UnitDescription UnitType IsSalesItem:bool IsPurchaseItem:bool IsStockItem:bool
    IsFractionAllowedItem:bool IsTime:byte IsMakeItem:byte IsWebshopItem:byte ItemGroup:guid SalesVatCode GLRevenue:guid GLCosts:guid
    CostPriceStandard:num StandardSalesPrice:num Stock:num Barcode SearchCode Notes StartDate:date EndDate:date ${AUDIT}`),
  readOnly: ['UnitDescription', 'UnitType', 'StandardSalesPrice', 'Stock', ...AUDIT_RO],
  required: ['Code', 'Description'],
  labels: { Code: 'Code', Description: 'Omschrijving' },
  sync: 'Logistics/Items', bulk: 'Logistics/Items', deletedType: 9, topics: ['Items'],
  mandatoryFilter: ['Code', 'Created', 'Description', 'ID', 'IsSalesItem', 'IsStockItem', 'Modified', 'SearchCode', 'IsTime'],
  validate(ctx, row, mode, before) {
    unique(ctx, 'Items', 'Code', row, before, `Code bestaat al: ${String(row.Code)}`);
    if (String(row.Description).length > 60) throw badRequest('Ongeldig: Omschrijving (max. 60 tekens)');
    refCheck(ctx, 'GLAccounts', row.GLRevenue, 'Grootboekrekening');
    if (mode === 'create') {
      row.Unit ??= 'stuk'; row.IsSalesItem ??= true; row.IsPurchaseItem ??= false; row.IsStockItem ??= false; row.IsTime ??= 0;
      row.IsFractionAllowedItem ??= false; row.Stock = 0;
    }
    row.UnitType = row.IsTime === 1 ? 'T' : 'O';
  },
};

const webhookSubscriptions: EntityDef = {
  name: 'WebhookSubscriptions', paths: ['webhooks/WebhookSubscriptions'], type: 'WebhookSubscription', key: 'ID', keyType: 'guid', verbs: ['GET', 'POST', 'DELETE'],
  fields: fields('ID:guid CallbackURL Topic Description IsInstant:bool ClientID:guid UserID:guid Division:int Created:date Creator:guid CreatorFullName'),
  readOnly: ['ClientID', 'UserID', 'Division', 'Created', 'Creator', 'CreatorFullName'],
  required: ['CallbackURL', 'Topic'],
  clientScoped: true,
  validate(ctx, row) {
    if (!WEBHOOK_TOPICS.has(String(row.Topic))) throw badRequest(`Ongeldig: Topic '${String(row.Topic)}'`);
    if (row.IsInstant && row.Topic !== 'GoodsDeliveries') throw badRequest('IsInstant is alleen toegestaan voor topic GoodsDeliveries');
    checkCallbackUrl(String(row.CallbackURL));
    row.ClientID = ctx.clientId;
    row.UserID = DEMO_USER_ID;
    if (ctx.find('WebhookSubscriptions', (s) => s.ClientID === ctx.clientId && s.Topic === row.Topic)) {
      throw badRequest(`Er bestaat al een webhookabonnement voor topic ${String(row.Topic)} in deze administratie`);
    }
  },
};

export function checkCallbackUrl(url: string): void {
  let u: URL;
  try { u = new URL(url); } catch { throw badRequest('Ongeldig: CallbackURL'); }
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(u.hostname);
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:' && loopback) return;
  throw badRequest('Ongeldig: CallbackURL - alleen HTTPS-adressen zijn toegestaan');
}

function divisionRows(ctx: EntityContext, onlyGranted: boolean): Row[] {
  const rows = [...ctx.state.divisions.values()];
  if (!onlyGranted || ctx.grant === 'all') return rows;
  const g = ctx.grant;
  return rows.filter((r) => g.includes(r.Code as number));
}

const DIVISION_FIELDS = `Code:int Description Hid:int64 Current:bool Country Currency Legislation VATNumber ChamberOfCommerceNumber AddressLine1 Postcode City
  Email Phone Website Status:int BlockingStatus:int DivisionMoveDate:date DivisionHRLinkUnlinkDate:date IsMainDivision:bool IsPracticeDivision:bool
  IsDossierDivision:bool IsHRDivision:bool StartDate:date ArchiveDate:date Customer:guid CustomerCode CustomerName Created:date Modified:date`;

const divisions: EntityDef = {
  name: 'Divisions', paths: ['system/Divisions', 'hrm/Divisions'], type: 'Division', key: 'Code', keyType: 'int', verbs: ['GET'],
  fields: fields(DIVISION_FIELDS),
  virtualRows: (ctx) => divisionRows(ctx, true).map((r) => ({ ...r, Current: r.Code === ctx.division })),
};

const allDivisions: EntityDef = {
  ...divisions, name: 'AllDivisions', paths: ['system/AllDivisions'], type: 'AllDivision',
  virtualRows: (ctx) => divisionRows(ctx, false).map((r) => ({ ...r, Current: r.Code === ctx.division })),
};

const deleted: EntityDef = {
  name: 'Deleted', paths: ['sync/Deleted'], type: 'Deleted', key: 'Timestamp', keyType: 'int', verbs: ['GET'],
  fields: fields('Timestamp:int64 ID:guid EntityKey:guid EntityType:int DeletedBy:guid DeletedDate:date Division:int'),
};

export const ENTITIES: EntityDef[] = [
  accounts, contacts, addresses, glAccounts, journals, vatCodes, financialPeriods,
  costDef('Costcenters', 'hrm/Costcenters', 'Costcenter'), costDef('Costunits', 'hrm/Costunits', 'Costunit'),
  salesEntries, salesEntryLines, documents, documentTypes, documentAttachments, receivables, receivablesList, transactionLines,
  cashDef('BankEntries', 'financialtransaction/BankEntries', 'BankEntry'), cashLineDef('BankEntryLines', 'financialtransaction/BankEntryLines', 'BankEntryLine'),
  cashDef('CashEntries', 'financialtransaction/CashEntries', 'CashEntry'), cashLineDef('CashEntryLines', 'financialtransaction/CashEntryLines', 'CashEntryLine'),
  generalJournalEntries, generalJournalEntryLines, items, webhookSubscriptions, divisions, allDivisions,
  ...PLANNING_ENTITIES,
];

export const DELETED_DEF = deleted;

/** The definition plus the properties public clients send that it lacks (public-fields.ts); the definition's own types win. */
export function withPublicFields(def: EntityDef): EntityDef {
  const extra = PUBLIC_CLIENT_FIELDS[def.name];
  if (!extra) return def;
  const have = new Set(Object.keys(def.fields).map((k) => k.toLowerCase()));
  const added = Object.entries(fields(extra.fields)).filter(([k]) => !have.has(k.toLowerCase()));
  if (added.length === 0) return def;
  const ro = new Set(extra.readOnly.split(/\s+/).filter(Boolean));
  return {
    ...def,
    fields: { ...def.fields, ...Object.fromEntries(added) },
    readOnly: [...(def.readOnly ?? []), ...added.map(([k]) => k).filter((k) => ro.has(k))],
  };
}

export function createRegistry(defs: EntityDef[] = ENTITIES): Registry {
  const byName = new Map(defs.map((d) => [d.name, withPublicFields(d)]));
  return {
    byName,
    def(name: string): EntityDef {
      const d = byName.get(name);
      if (!d) throw new Error(`unknown entity ${name}`);
      return d;
    },
  };
}
