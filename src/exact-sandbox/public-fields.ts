/**
 * Properties that public Exact clients send and read, per sandbox entity: the `$fillable` lists of the picqer PHP client's
 * models (github.com/picqer/exact-php-client, src/Picqer/Financials/Exact/*.php, commit 8b35057, models generated from
 * Exact's own REST documentation). A valid Exact property is never refused as unknown (issue #14, defect 8).
 * Types follow the docblocks (string → str, guid for "Primary key"/"ID of"/"Reference to" unless the name is a code,
 * date for date properties); the sandbox's own definition wins where it has the property. Properties whose
 * documentation reads "Description of …", "Code of …", "Name of …" and the audit fields are read-only.
 * Generated once from the models; edit by hand.
 */
export const PUBLIC_CLIENT_FIELDS: Record<string, { fields: string; readOnly: string }> = {
  Accounts: {
    fields: `ID:guid Accountant:guid AccountManager:guid AccountManagerFullName AccountManagerHID:int ActivitySector:guid
      ActivitySubSector:guid AddressLine1 AddressLine2 AddressLine3 AutomaticProcessProposedEntry:int BankAccounts:coll
      Blocked:bool BSN BusinessType:guid CanDropShip:bool ChamberOfCommerce City Classification1 Classification2
      Classification3 Classification4 Classification5 Classification6 Classification7 Classification8 Code CodeAtSupplier
      CompanySize:guid ConsolidationScenario:int ControlledDate:date Country CountryName Created:date Creator:guid
      CreatorFullName CreditLinePurchase:num CreditLineSales:num CustomField DatevCreditorCode DatevDebtorCode
      DeliveryAdvice:int DiscountPurchase:num DiscountSales:num Division:int Email EnableSalesPaymentLink:bool EndDate:date
      EORINumber EstablishedDate:date Fax GLAccountPurchase GLAccountSales GLAP GLAR GlnNumber HasWithholdingTaxSales:bool
      IgnoreDatevWarningMessage:bool IncotermAddressPurchase IncotermAddressSales IncotermCodePurchase IncotermCodeSales
      IncotermVersionPurchase:int IncotermVersionSales:int IntraStatArea IntraStatDeliveryTerm IntraStatSystem
      IntraStatTransactionA IntraStatTransactionB IntraStatTransportMethod InvoiceAccount:guid InvoiceAccountCode
      InvoiceAccountName InvoiceAttachmentType:int InvoicingMethod:int IsAccountant:int IsAgency:int IsAnonymised:int
      IsCompetitor:int IsExtraDuty:bool IsMailing:int IsPilot:bool IsReseller:bool IsSales:bool IsSupplier:bool Language
      LanguageDescription Latitude:num LeadPurpose:guid LeadSource:guid Logo LogoFileName LogoThumbnailUrl LogoUrl
      Longitude:num MainContact:guid Modified:date Modifier:guid ModifierFullName Name OINNumber Parent:guid PayAsYouEarn
      PaymentConditionPurchase PaymentConditionPurchaseDescription PaymentConditionSales PaymentConditionSalesDescription
      PeppolIdentifier PeppolIdentifierType:int Phone PhoneExtension Postcode PriceList PurchaseCurrency
      PurchaseCurrencyDescription PurchaseLeadDays:int PurchaseVATCode PurchaseVATCodeDescription RecepientOfCommissions:bool
      Remarks Reseller:guid ResellerCode ResellerName RSIN SalesCurrency SalesCurrencyDescription SalesVATCode
      SalesVATCodeDescription SearchCode SecurityLevel:int SeparateInvPerSubscription:int ShippingLeadDays:int ShippingMethod
      ShowRemarkForSales:bool StartDate:date State StateName Status TradeName Type UniqueTaxpayerReference VATLiability
      VATNumber Website`,
    readOnly: `AccountManagerFullName Created Creator CreatorFullName Division IncotermCodePurchase IncotermCodeSales
      InvoiceAccountCode InvoiceAccountName Modified Modifier ModifierFullName PaymentConditionPurchase
      PaymentConditionPurchaseDescription PaymentConditionSales PaymentConditionSalesDescription PurchaseCurrencyDescription
      PurchaseVATCodeDescription ResellerCode ResellerName SalesCurrencyDescription SalesVATCodeDescription StateName`,
  },
  Contacts: {
    fields: `ID:guid Account AccountIsCustomer:bool AccountIsSupplier:bool AccountMainContact:guid AccountName AddressLine2
      AddressStreet AddressStreetNumber AddressStreetNumberSuffix BirthDate:date BirthPlace BusinessEmail BusinessFax
      BusinessMobile BusinessPhone BusinessPhoneExtension City Code Country Created:date Creator:guid CreatorFullName
      CustomField Division:int Email EndDate:date FirstName FullName Gender HID:int IdentificationDate:date
      IdentificationDocument:guid IdentificationUser:guid Initials IsAnonymised:int IsMailingExcluded:bool IsMainContact:bool
      JobTitleDescription Language LastName LeadPurpose:guid LeadSource:guid MarketingNotes MiddleName Mobile Modified:date
      Modifier:guid ModifierFullName Nationality Notes PartnerName PartnerNamePrefix Person:guid Phone PhoneExtension Picture
      PictureName PictureThumbnailUrl PictureUrl Postcode SocialSecurityNumber StartDate:date State Title TitleAbbreviation
      TitleDescription`,
    readOnly: `AccountName Code Created Creator CreatorFullName Division Modified Modifier ModifierFullName`,
  },
  Addresses: {
    fields: `ID:guid Account AccountIsSupplier:bool AccountName AddressLine1 AddressLine2 AddressLine3 City Contact ContactName
      Country CountryName Created:date Creator:guid CreatorFullName CustomField Division:int Fax FreeBoolField_01:bool
      FreeBoolField_02:bool FreeBoolField_03:bool FreeBoolField_04:bool FreeBoolField_05:bool FreeDateField_01
      FreeDateField_02 FreeDateField_03 FreeDateField_04 FreeDateField_05 FreeNumberField_01:num FreeNumberField_02:num
      FreeNumberField_03:num FreeNumberField_04:num FreeNumberField_05:num FreeTextField_01 FreeTextField_02 FreeTextField_03
      FreeTextField_04 FreeTextField_05 Mailbox Main:bool Modified:date Modifier:guid ModifierFullName NicNumber Notes Phone
      PhoneExtension Postcode State StateDescription Type:int Warehouse WarehouseCode WarehouseDescription`,
    readOnly: `AccountName Created Creator CreatorFullName Division Modified Modifier ModifierFullName StateDescription WarehouseCode
      WarehouseDescription`,
  },
  GLAccounts: {
    fields: `ID:guid AllowCostsInSales:int AssimilatedVATBox:int BalanceSide BalanceType BelcotaxType:int Code Compress:bool
      Costcenter CostcenterDescription Costunit CostunitDescription Created:date Creator:guid CreatorFullName CustomField
      DeductibilityPercentages:coll Description Division:int ExcludeVATListing:int ExpenseNonDeductiblePercentage:num
      IsBlocked:bool Matching:bool Modified:date Modifier:guid ModifierFullName PrivateGLAccount PrivatePercentage:num
      ReportingCode RevalueCurrency:bool SearchCode Type:int TypeDescription UseCostcenter:int UseCostunit:int VATCode
      VATDescription VATGLAccountType VATNonDeductibleGLAccount VATNonDeductiblePercentage:num VATSystem YearEndCostGLAccount
      YearEndReflectionGLAccount`,
    readOnly: `CostcenterDescription CostunitDescription Created Creator CreatorFullName Description Division Modified Modifier
      ModifierFullName TypeDescription VATDescription`,
  },
  Journals: {
    fields: `ID:guid AllowVariableCurrency:bool AllowVariableExchangeRate:bool AllowVAT:bool AutoSave:bool Bank:guid
      BankAccountBICCode BankAccountCountry BankAccountDescription BankAccountIBAN BankAccountID:guid BankAccountIncludingMask
      BankName Code Created:date Creator:guid CreatorFullName Currency CurrencyDescription CustomField Description
      Division:int GLAccount GLAccountCode GLAccountDescription GLAccountType:int IsBlocked:bool Modified:date Modifier:guid
      ModifierFullName PaymentInTransitAccount PaymentServiceAccountIdentifier PaymentServiceProvider:int
      PaymentServiceProviderName Type:int`,
    readOnly: `BankAccountDescription BankName Created Creator CreatorFullName CurrencyDescription Description Division GLAccountCode
      GLAccountDescription Modified Modifier ModifierFullName PaymentServiceProviderName`,
  },
  VATCodes: {
    fields: `ID:guid Account AccountCode AccountName CalculationBasis:int Charged:bool Code Created:date Creator:guid CreatorFullName
      CustomField Description Division:int EUSalesListing ExcludeVATListing:int GLDiscountPurchase GLDiscountPurchaseCode
      GLDiscountPurchaseDescription GLDiscountSales GLDiscountSalesCode GLDiscountSalesDescription GLToClaim GLToClaimCode
      GLToClaimDescription GLToPay GLToPayCode GLToPayDescription IntraStat:bool IntrastatType IsBlocked:bool LegalText
      Modified:date Modifier:guid ModifierFullName OssCountry Percentage:num TaxReturnType:int Type VatDocType VatMargin:int
      VATPartialRatio:int VATPercentages:coll VATTransactionType`,
    readOnly: `AccountCode AccountName Created Creator CreatorFullName Description Division GLDiscountPurchaseCode
      GLDiscountPurchaseDescription GLDiscountSalesCode GLDiscountSalesDescription GLToClaimCode GLToClaimDescription
      GLToPayCode GLToPayDescription Modified Modifier ModifierFullName`,
  },
  Costcenters: {
    fields: `ID:guid Code Created:date Creator:guid CreatorFullName CustomField Description Division:int EndDate:date Modified:date
      Modifier:guid ModifierFullName`,
    readOnly: `Created Creator CreatorFullName Division Modified Modifier ModifierFullName`,
  },
  Costunits: {
    fields: `ID:guid Code Created:date Creator:guid CreatorFullName CustomField Description Division:int EndDate:date Modified:date
      Modifier:guid ModifierFullName`,
    readOnly: `Created Creator CreatorFullName Division Modified Modifier ModifierFullName`,
  },
  FinancialPeriods: {
    fields: `ID:guid Created:date Creator:guid CreatorFullName Division:int EndDate:date FinPeriod:int FinYear:int Modified:date
      Modifier:guid ModifierFullName StartDate:date`,
    readOnly: `Created Creator CreatorFullName Division Modified Modifier ModifierFullName`,
  },
  SalesEntries: {
    fields: `EntryID AmountDC:num AmountFC:num BatchNumber:int Created:date Creator:guid CreatorFullName Currency Customer:guid
      CustomerName CustomField Description Division:int Document DocumentNumber:int DocumentSubject DueDate:date
      EntryDate:date EntryNumber:int ExternalLinkDescription ExternalLinkReference GAccountAmountFC:num InvoiceNumber:int
      IsExtraDuty:bool Journal JournalDescription Modified:date Modifier:guid ModifierFullName OrderNumber:int
      PaymentCondition PaymentConditionDescription PaymentConditionPaymentMethod PaymentReference ProcessNumber:int Rate:num
      ReportingPeriod:int ReportingYear:int Reversal:bool SalesEntryLines:coll Status:int StatusDescription Type:int
      TypeDescription VATAmountDC:num VATAmountFC:num WithholdingTaxAmountDC:num WithholdingTaxBaseAmount:num
      WithholdingTaxPercentage:num YourRef`,
    readOnly: `Created Creator CreatorFullName CustomerName Description Division ExternalLinkDescription JournalDescription Modified
      Modifier ModifierFullName PaymentConditionDescription StatusDescription TypeDescription`,
  },
  SalesEntryLines: {
    fields: `ID:guid AmountDC:num AmountFC:num Asset:guid AssetDescription CostCenter CostCenterDescription CostUnit
      CostUnitDescription CustomField Description Division:int EntryID ExtraDutyAmountFC:num ExtraDutyPercentage:num From:date
      GLAccount GLAccountCode GLAccountDescription IntraStatArea IntraStatCountry IntraStatDeliveryTerm IntraStatTransactionA
      IntraStatTransactionB IntraStatTransportMethod LineNumber:int Notes Project ProjectDescription Quantity:num SerialNumber
      StatisticalNetWeight:num StatisticalNumber StatisticalQuantity:num StatisticalValue:num Subscription
      SubscriptionDescription To:date TrackingNumber:guid TrackingNumberDescription Type:int VATAmountDC:num VATAmountFC:num
      VATBaseAmountDC:num VATBaseAmountFC:num VATCode VATCodeDescription VATPercentage:num`,
    readOnly: `AssetDescription CostCenterDescription CostUnitDescription Division GLAccountCode GLAccountDescription
      ProjectDescription SubscriptionDescription TrackingNumberDescription VATCodeDescription`,
  },
  Documents: {
    fields: `ID:guid Account:guid AccountCode AccountName ActionRegenerateEntryProposal:bool AmountFC:num Body Category:guid
      CategoryDescription Contact:guid ContactFullName ContractID ContractNumber Created:date Creator:guid CreatorFullName
      Currency Division:int DocumentDate:date DocumentFolder:guid DocumentFolderCode DocumentFolderDescription DocumentViewUrl
      EntryStatusDescription ExpiryDate:date FinancialTransactionEntryID:guid HasEmptyBody:bool HID:int InheritShare:bool Item
      ItemCode ItemDescription Language Modified:date Modifier:guid ModifierFullName Opportunity Project ProjectCode
      ProjectDescription ProposedEntryStatus:int SalesInvoiceNumber:int SalesOrderNumber:int SendMethod:int
      ShopOrderNumber:int Subject TeamsMeetingId Type:int TypeDescription`,
    readOnly: `AccountCode AccountName CategoryDescription Created Creator CreatorFullName Division ItemCode ItemDescription Modified
      Modifier ModifierFullName ProjectCode ProjectDescription TypeDescription`,
  },
  DocumentTypes: {
    fields: `ID:int Created:date Description DocumentIsCreatable:bool DocumentIsDeletable:bool DocumentIsUpdatable:bool
      DocumentIsViewable:bool Modified:date TypeCategory:int`,
    readOnly: `Created Modified`,
  },
  DocumentAttachments: {
    fields: `ID:guid Attachment Document:guid FileName FileSize:num Url`,
    readOnly: ``,
  },
  Receivables: {
    fields: `ID:guid Account AccountBankAccountID AccountBankAccountNumber AccountCode AccountContact AccountContactName
      AccountCountry AccountName AmountDC:num AmountDiscountDC:num AmountDiscountFC:num AmountFC:num BankAccountID
      BankAccountNumber CashflowTransactionBatchCode Created:date Creator:guid CreatorFullName Currency Description
      DirectDebitMandate DirectDebitMandateDescription DirectDebitMandatePaymentType:int DirectDebitMandateReference
      DirectDebitMandateType:int DiscountDueDate:date Division:int Document DocumentNumber:int DocumentSubject DueDate:date
      EndDate:date EndPeriod:int EndToEndID EndYear:int EntryDate:date EntryID EntryNumber:int GLAccount GLAccountCode
      GLAccountDescription InvoiceDate:date InvoiceNumber:int IsBatchBooking:int IsFullyPaid:bool Journal JournalDescription
      LastPaymentDate:date Modified:date Modifier:guid ModifierFullName OrderNumber:int PaymentCondition
      PaymentConditionDescription PaymentDays:int PaymentDaysDiscount:int PaymentDiscountPercentage:num PaymentInformationID
      PaymentMethod PaymentReference RateFC:num ReceivableBatchNumber:int ReceivableSelected ReceivableSelector
      ReceivableSelectorFullName Source:int Status:int TransactionAmountDC:num TransactionAmountFC:num TransactionDueDate:date
      TransactionEntryID TransactionID TransactionIsReversal:bool TransactionReportingPeriod:int TransactionReportingYear:int
      TransactionStatus:int TransactionType:int YourRef`,
    readOnly: `AccountContactName AccountName Created Creator CreatorFullName DirectDebitMandateDescription Division GLAccountCode
      GLAccountDescription JournalDescription Modified Modifier ModifierFullName PaymentConditionDescription
      ReceivableSelectorFullName`,
  },
  ReceivablesList: {
    fields: `HID:int AccountCode AccountId:guid AccountName Amount:num AmountInTransit:num CurrencyCode Description DueDate:date
      EntryNumber:int InvoiceDate:date InvoiceNumber:int JournalCode JournalDescription Notes YourRef`,
    readOnly: `AccountCode AccountName CurrencyCode JournalCode JournalDescription`,
  },
  TransactionLines: {
    fields: `ID:guid Account:guid AccountCode AccountName AmountDC:num AmountFC:num AmountVATBaseFC:num AmountVATFC:num Asset:guid
      AssetCode AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription Created:date Creator:guid
      CreatorFullName Currency CustomField Date:date Description Division:int Document:guid DocumentNumber:int DocumentSubject
      DueDate:date EntryID EntryNumber:int ExchangeRate:num ExternalLinkDescription ExternalLinkReference
      ExtraDutyAmountFC:num ExtraDutyPercentage:num FinancialPeriod:int FinancialYear:int GLAccount GLAccountCode
      GLAccountDescription InvoiceNumber:int Item:guid ItemCode ItemDescription JournalCode JournalDescription LineNumber:int
      LineType:int Modified:date Modifier:guid ModifierFullName Notes OffsetID OrderNumber:int PaymentDiscountAmount:num
      PaymentReference Project:guid ProjectCode ProjectDescription Quantity:num ShopOrder:guid Status:int Subscription:guid
      SubscriptionDescription TrackingNumber TrackingNumberDescription Type:int VATCode VATCodeDescription VATPercentage:num
      VATType YourRef`,
    readOnly: `AccountCode AccountName AssetCode AssetDescription CostCenterDescription CostUnitDescription Created Creator
      CreatorFullName Division ExternalLinkDescription GLAccountCode GLAccountDescription ItemCode ItemDescription Modified
      Modifier ModifierFullName ProjectCode ProjectDescription SubscriptionDescription VATCodeDescription`,
  },
  BankEntries: {
    fields: `EntryID:guid BankEntryLines:coll BankStatementDocument:guid BankStatementDocumentNumber:int BankStatementDocumentSubject
      ClosingBalanceFC:num Created:date Currency CustomField Division:int EntryNumber:int FinancialPeriod:int
      FinancialYear:int JournalCode JournalDescription Modified:date OpeningBalanceFC:num Status:int StatusDescription`,
    readOnly: `Created Division JournalCode JournalDescription Modified StatusDescription`,
  },
  BankEntryLines: {
    fields: `ID:guid Account:guid AccountCode AccountName AmountDC:num AmountFC:num AmountVATFC:num Asset:guid AssetCode
      AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription Created:date Creator:guid CreatorFullName
      CustomField Date:date Description Division:int Document:guid DocumentNumber:int DocumentSubject EntryID:guid
      EntryNumber:int ExchangeRate:num GLAccount GLAccountCode GLAccountDescription LineNumber:int Modified:date Modifier:guid
      ModifierFullName Notes OffsetID:guid OurRef:int Project:guid ProjectCode ProjectDescription Quantity:num VATCode
      VATCodeDescription VATPercentage:num VATType`,
    readOnly: `AccountCode AccountName AssetCode AssetDescription CostCenterDescription CostUnitDescription Created Creator
      CreatorFullName Division GLAccountCode GLAccountDescription Modified Modifier ModifierFullName ProjectCode
      ProjectDescription VATCodeDescription`,
  },
  CashEntries: {
    fields: `EntryID:guid CashEntryLines:coll ClosingBalanceFC:num Created:date Currency CustomField Division:int EntryNumber:int
      FinancialPeriod:int FinancialYear:int JournalCode JournalDescription Modified:date OpeningBalanceFC:num Status:int
      StatusDescription`,
    readOnly: `Created Division JournalCode JournalDescription Modified StatusDescription`,
  },
  CashEntryLines: {
    fields: `ID:guid Account:guid AccountCode AccountName AmountDC:num AmountFC:num AmountVATFC:num Asset:guid AssetCode
      AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription Created:date Creator:guid CreatorFullName
      CustomField Date:date Description Division:int Document:guid DocumentNumber:int DocumentSubject EntryID:guid
      EntryNumber:int ExchangeRate:num GLAccount GLAccountCode GLAccountDescription LineNumber:int Modified:date Modifier:guid
      ModifierFullName Notes OffsetID:guid OurRef:int Project:guid ProjectCode ProjectDescription Quantity:num VATCode
      VATCodeDescription VATPercentage:num VATType`,
    readOnly: `AccountCode AccountName AssetCode AssetDescription CostCenterDescription CostUnitDescription Created Creator
      CreatorFullName Division GLAccountCode GLAccountDescription Modified Modifier ModifierFullName ProjectCode
      ProjectDescription VATCodeDescription`,
  },
  GeneralJournalEntries: {
    fields: `EntryID:guid Created:date Currency CustomField Division:int EntryNumber:int ExchangeRate:num FinancialPeriod:int
      FinancialYear:int GeneralJournalEntryLines:coll JournalCode JournalDescription Modified:date Reversal:bool Status:int
      StatusDescription Type:int TypeDescription`,
    readOnly: `Created Division JournalCode JournalDescription Modified StatusDescription TypeDescription`,
  },
  GeneralJournalEntryLines: {
    fields: `ID:guid Account:guid AccountCode AccountName AmountDC:num AmountFC:num AmountVATDC:num AmountVATFC:num Asset:guid
      AssetCode AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription Created:date Creator:guid
      CreatorFullName CustomField Date:date Description Division:int Document:guid DocumentNumber:int DocumentSubject
      EntryID:guid EntryNumber:int GLAccount GLAccountCode GLAccountDescription LineNumber:int Modified:date Modifier:guid
      ModifierFullName Notes OffsetID OurRef:int Project:guid ProjectCode ProjectDescription Quantity:num VATBaseAmountDC:num
      VATBaseAmountFC:num VATCode VATCodeDescription VATPercentage:num VATType`,
    readOnly: `AccountCode AccountName AssetCode AssetDescription CostCenterDescription CostUnitDescription Created Creator
      CreatorFullName Division GLAccountCode GLAccountDescription Modified Modifier ModifierFullName ProjectCode
      ProjectDescription VATCodeDescription`,
  },
  Items: {
    fields: `ID:guid AverageCost:num Barcode Class_01 Class_02 Class_03 Class_04 Class_05 Class_06 Class_07 Class_08 Class_09
      Class_10 Code CopyRemarks:int CostPriceCurrency CostPriceNew:num CostPriceStandard:num Created:date Creator:guid
      CreatorFullName CustomField Description Division:int EndDate:date ExtraDescription FreeBoolField_01:bool
      FreeBoolField_02:bool FreeBoolField_03:bool FreeBoolField_04:bool FreeBoolField_05:bool FreeDateField_01
      FreeDateField_02 FreeDateField_03 FreeDateField_04 FreeDateField_05 FreeNumberField_01:num FreeNumberField_02:num
      FreeNumberField_03:num FreeNumberField_04:num FreeNumberField_05:num FreeNumberField_06:num FreeNumberField_07:num
      FreeNumberField_08:num FreeTextField_01 FreeTextField_02 FreeTextField_03 FreeTextField_04 FreeTextField_05
      FreeTextField_06 FreeTextField_07 FreeTextField_08 FreeTextField_09 FreeTextField_10 GLCosts GLCostsCode
      GLCostsDescription GLRevenue GLRevenueCode GLRevenueDescription GLStock GLStockCode GLStockDescription GrossWeight:num
      IsBatchItem:int IsFractionAllowedItem:bool IsMakeItem:int IsNewContract:int IsOnDemandItem:int IsPackageItem:bool
      IsPurchaseItem:bool IsSalesItem:bool IsSerialItem:bool IsStockItem:bool IsSubcontractedItem:bool IsTaxableItem:int
      IsTime:int IsWebshopItem:int ItemGroup:guid ItemGroupCode ItemGroupDescription Modified:date Modifier:guid
      ModifierFullName NetWeight:num NetWeightUnit Notes Picture PictureName PictureThumbnailUrl PictureUrl SalesVatCode
      SalesVatCodeDescription SearchCode SecurityLevel:int StandardSalesPrice:num StartDate:date StatisticalCode
      StatisticalNetWeight:num StatisticalUnits:num StatisticalValue:num Stock:num Unit UnitDescription UnitType`,
    readOnly: `Created Creator CreatorFullName Description Division GLCostsCode GLCostsDescription GLRevenueCode GLRevenueDescription
      GLStockCode GLStockDescription ItemGroupCode ItemGroupDescription Modified Modifier ModifierFullName SalesVatCode
      SalesVatCodeDescription UnitDescription`,
  },
  WebhookSubscriptions: {
    fields: `ID:guid CallbackURL ClientID Created:date Creator:guid CreatorFullName Description Division:int IsInstant:bool Topic
      UserID`,
    readOnly: `Created Creator CreatorFullName Description Division`,
  },
  Divisions: {
    fields: `Code:int AddressLine1 AddressLine2 AddressLine3 ArchiveDate:date BlockingStatus:int BusinessTypeCode
      BusinessTypeDescription ChamberOfCommerceEstablishment ChamberOfCommerceNumber City CompanySizeCode
      CompanySizeDescription Country Created:date Creator:guid CreatorFullName Currency Current:bool Customer CustomerCode
      CustomerName DatevAccountantNumber DatevClientNumber Description DivisionHRLinkUnlinkDate:date DivisionMoveDate:date
      Email Fax Hid:int IsDossierDivision:bool IsHRDivision:bool IsMainDivision:bool IsPracticeDivision:bool Legislation
      Modified:date Modifier:guid ModifierFullName OBNumber Phone Postcode SbiCode SbiDescription SectorCode SectorDescription
      ShareCapital:num SiretNumber StartDate:date State Status:int SubsectorCode SubsectorDescription TaxOfficeNumber
      TaxReferenceNumber TemplateCode VATNumber Website`,
    readOnly: `Created Creator CreatorFullName Modified Modifier ModifierFullName`,
  },
};
