/** The fields Koppel reads and writes, per entity (API.md §7). Dates are Dates, Int64 are bigints. */

export interface ExactMe {
  UserID: string;
  UserName: string;
  FullName: string;
  Email?: string;
  CurrentDivision: number;
  LanguageCode?: string;
}

export interface ExactDivisionRecord {
  Code: number;
  Description: string;
  Hid?: bigint | null;
  Country?: string;
  Currency?: string;
  Current?: boolean;
  Status?: number;
  DivisionMoveDate?: Date | null;
}

export interface ExactAccount {
  ID: string;
  Code: string;
  Name: string;
  Status?: string;
  IsSales?: boolean;
  Blocked?: boolean;
  AddressLine1?: string | null;
  AddressLine2?: string | null;
  Postcode?: string | null;
  City?: string | null;
  Country?: string | null;
  Email?: string | null;
  Phone?: string | null;
  VATNumber?: string | null;
  ChamberOfCommerce?: string | null;
  Timestamp?: bigint | null;
  Modified?: Date | null;
}

export interface ExactGLAccount {
  ID: string;
  Code: string;
  Description: string;
  Type: number;
  IsBlocked?: boolean;
  BalanceType?: string;
  VATCode?: string | null;
  Costcenter?: string | null;
  Costunit?: string | null;
  Timestamp?: bigint | null;
}

export interface ExactJournal {
  ID: string;
  Code: string;
  Description: string;
  Type: number;
  IsBlocked?: boolean;
}

export interface ExactVatCode {
  ID: string;
  Code: string;
  Description: string;
  Percentage: number;
  Type?: string;
  VATTransactionType?: string;
  IsBlocked?: boolean;
  Charged?: boolean;
}

export interface ExactCostDimension {
  ID: string;
  Code: string;
  Description: string;
  EndDate?: Date | null;
}

export interface ExactSalesEntryLine {
  ID?: string;
  GLAccount: string;
  AmountFC: number;
  VATCode?: string;
  VATAmountFC?: number;
  Description?: string;
  Quantity?: number;
  CostCenter?: string;
  CostUnit?: string;
}

export interface ExactSalesEntry {
  EntryID: string;
  Journal: string;
  Customer: string;
  EntryDate: Date | string;
  EntryNumber?: number;
  YourRef?: string;
  Description?: string;
  DueDate?: Date | string;
  PaymentReference?: string;
  Document?: string;
  Type?: number;
  Status?: number;
  AmountDC?: number;
  VATAmountFC?: number;
  SalesEntryLines?: ExactSalesEntryLine[];
}

export interface ExactDocument {
  ID: string;
  Subject: string;
  Type: number;
  Account?: string;
  DocumentDate?: Date | string;
}

export interface ExactDocumentAttachment {
  ID: string;
  Document: string;
  FileName: string;
  Attachment?: string;
  FileSize?: number;
  Url?: string;
}

export interface ExactPaymentTerm {
  ID: string;
  Timestamp: bigint;
  LineType: number;
  Status: number;
  IsFullyPaid: boolean;
  InvoiceNumber?: number | null;
  EntryNumber?: number | null;
  YourRef?: string | null;
  AmountDC: number;
  TransactionEntryID?: string | null;
  LastPaymentDate?: Date | null;
  Account?: string | null;
}

export interface ExactReceivable {
  ID: string;
  InvoiceNumber?: number | null;
  EntryNumber?: number | null;
  AmountDC: number;
  Status: number;
  IsFullyPaid: boolean;
  TransactionEntryID?: string | null;
  LastPaymentDate?: Date | null;
}

export interface ExactDeleted {
  ID: string;
  Timestamp: bigint;
  EntityKey: string;
  EntityType: number;
  DeletedDate?: Date | null;
}

export interface ExactWebhookSubscription {
  ID: string;
  CallbackURL: string;
  Topic: string;
  Description?: string;
}

export interface ExactContact {
  ID: string;
  FullName?: string | null;
  Account?: string | null;
}

/** financialtransaction/TransactionLines (and its bulk/sync variants): one line of a financial entry. */
export interface ExactTransactionLine {
  ID: string;
  Timestamp?: bigint | null;
  EntryID: string;
  EntryNumber?: number | null;
  JournalCode?: string | null;
  Date?: Date | null;
  AmountDC: number;
  InvoiceNumber?: number | null;
  Account?: string | null;
  Type: number;
  FinancialYear?: number | null;
}

/** financial/FinancialPeriods: one period of a financial year (GET only). */
export interface ExactFinancialPeriod {
  ID: string;
  FinYear: number;
  FinPeriod: number;
  StartDate: Date | null;
  EndDate: Date | null;
}
