/**
 * Field lists of the planning entities: every property of the picqer/exact-php-client model (its $fillable list,
 * commit 8b35057) so a valid property is never refused; types from API.md Appendix A where listed, else from the
 * model's @property types (GUID/date by name). Generated once; edit by hand.
 */

/** crm/Quotations */
export const QUOTATION_FIELDS = `QuotationID:guid AmountDC:num AmountDiscount:num AmountDiscountExclVat:num AmountFC:num CloseDate:date ClosingDate:date
  Created:date Creator:guid CreatorFullName:str Currency:str DeliveryAccount:guid DeliveryAccountCode:str
  DeliveryAccountContact:guid DeliveryAccountContactFullName:str DeliveryAccountName:str DeliveryAddress:guid DeliveryDate:date
  Description:str Division:int Document:guid DocumentSubject:str DueDate:date IncotermAddress:str IncotermCode:str
  IncotermVersion:int InvoiceAccount:guid InvoiceAccountCode:str InvoiceAccountContact:guid InvoiceAccountContactFullName:str
  InvoiceAccountName:str Modified:date Modifier:guid ModifierFullName:str Opportunity:guid OpportunityName:str OrderAccount:guid
  OrderAccountCode:str OrderAccountContact:guid OrderAccountContactFullName:str OrderAccountName:str PaymentCondition:str
  PaymentConditionDescription:str Project:guid ProjectCode:str ProjectDescription:str QuotationDate:date QuotationLines:coll
  QuotationNumber:int QuotationOrderChargeLines:coll Remarks:str SalesChannel:guid SalesChannelCode:str SalesChannelDescription:str
  SalesPerson:guid SalesPersonFullName:str SelectionCode:guid SelectionCodeCode:str SelectionCodeDescription:str ShippingMethod:str
  ShippingMethodDescription:str Status:int StatusDescription:str VATAmountFC:num VersionNumber:int WarehouseCode:str
  WarehouseDescription:str WarehouseID:str YourRef:str`;

/** crm/QuotationLines */
export const QUOTATIONLINE_FIELDS = `ID:guid AmountDC:num AmountFC:num CostCenter:str CostCenterDescription:str CostUnit:str CostUnitDescription:str
  CustomerItemCode:str CustomField:str Description:str Discount:num Division:int Item:guid ItemDescription:str LineNumber:int
  NetPrice:num Notes:str Optional:bool Quantity:num QuotationID:guid QuotationNumber:int UnitCode:str UnitDescription:str
  UnitPrice:num VATAmountFC:num VATCode:str VATDescription:str VATPercentage:num VersionNumber:int`;

/** salesorder/SalesOrders */
export const SALESORDER_FIELDS = `OrderID:guid AmountDC:num AmountDiscount:num AmountDiscountExclVat:num AmountFC:num AmountFCExclVat:num ApprovalStatus:int
  ApprovalStatusDescription:str Approved:date Approver:guid ApproverFullName:str Created:date Creator:guid CreatorFullName:str
  Currency:str CustomField:str DeliverTo:guid DeliverToContactPerson:guid DeliverToContactPersonFullName:str DeliverToName:str
  DeliveryAddress:guid DeliveryDate:date DeliveryStatus:int DeliveryStatusDescription:str Description:str Discount:num Division:int
  Document:guid DocumentNumber:int DocumentSubject:str IncotermAddress:str IncotermCode:str IncotermVersion:int InvoiceStatus:int
  InvoiceStatusDescription:str InvoiceTo:guid InvoiceToContactPerson:guid InvoiceToContactPersonFullName:str InvoiceToName:str
  Modified:date Modifier:guid ModifierFullName:str OrderDate:date OrderedBy:guid OrderedByContactPerson:guid
  OrderedByContactPersonFullName:str OrderedByName:str OrderNumber:int PaymentCondition:str PaymentConditionDescription:str
  PaymentReference:str Remarks:str SalesChannel:guid SalesChannelCode:str SalesChannelDescription:str SalesOrderLines:coll
  SalesOrderOrderChargeLines:coll Salesperson:guid SalespersonFullName:str SelectionCode:guid SelectionCodeCode:str
  SelectionCodeDescription:str ShippingMethod:guid ShippingMethodDescription:str Status:int StatusDescription:str WarehouseCode:str
  WarehouseDescription:str WarehouseID:guid YourRef:str`;

/** salesorder/SalesOrderLines */
export const SALESORDERLINE_FIELDS = `ID:guid AmountDC:num AmountFC:num CostCenter:str CostCenterDescription:str CostPriceFC:num CostUnit:str CostUnitDescription:str
  CustomerItemCode:str CustomField:str DeliveryDate:date DeliveryStatus:int Description:str Discount:num Division:int
  InvoiceStatus:int Item:guid ItemCode:str ItemDescription:str ItemVersion:guid ItemVersionDescription:str LineNumber:int Margin:num
  NetPrice:num Notes:str OrderID:guid OrderNumber:int OrderStatus:int Pricelist:guid PricelistDescription:str Project:guid
  ProjectDescription:str PurchaseOrder:guid PurchaseOrderLine:guid PurchaseOrderLineNumber:int PurchaseOrderNumber:int Quantity:num
  QuantityDelivered:num QuantityInvoiced:num ShopOrder:guid UnitCode:str UnitDescription:str UnitPrice:num UseDropShipment:byte
  VATAmount:num VATCode:str VATCodeDescription:str VATPercentage:num`;

/** purchaseorder/PurchaseOrders */
export const PURCHASEORDER_FIELDS = `PurchaseOrderID:guid AmountDC:num AmountFC:num ApprovalStatus:int ApprovalStatusDescription:str Approved:date Approver:guid
  ApproverFullName:str Created:date Creator:guid CreatorFullName:str Currency:str DeliveryAccount:guid DeliveryAccountCode:str
  DeliveryAccountName:str DeliveryAddress:guid DeliveryContact:guid DeliveryContactPersonFullName:str Description:str Division:int
  Document:guid DocumentSubject:str DropShipment:bool ExchangeRate:num IncotermAddress:str IncotermCode:str IncotermVersion:int
  InvoiceStatus:int Modified:date Modifier:guid ModifierFullName:str OrderDate:date OrderNumber:int OrderStatus:int
  PaymentCondition:str PaymentConditionDescription:str PurchaseAgent:guid PurchaseAgentFullName:str PurchaseOrderLineCount:int
  PurchaseOrderLines:coll ReceiptDate:date ReceiptStatus:int Remarks:str SalesOrder:guid SalesOrderNumber:int SelectionCode:guid
  SelectionCodeCode:str SelectionCodeDescription:str ShippingMethod:guid ShippingMethodCode:str ShippingMethodDescription:str
  Source:int Supplier:guid SupplierCode:str SupplierContact:guid SupplierContactPersonFullName:str SupplierName:str VATAmount:num
  Warehouse:guid WarehouseCode:str WarehouseDescription:str YourRef:str`;

/** purchaseorder/PurchaseOrderLines */
export const PURCHASEORDERLINE_FIELDS = `ID:guid AmountDC:num AmountFC:num CostCenter:guid CostCenterDescription:str CostUnit:guid CostUnitDescription:str Created:date
  Creator:guid CreatorFullName:str CustomField:str Description:str Discount:num Division:int Expense:str ExpenseDescription:str
  InStock:num InvoicedQuantity:num IsBatchNumberItem:int IsSerialNumberItem:int Item:guid ItemBarcode:str ItemBarcodeAdditional:str
  ItemCode:str ItemDescription:str ItemDivisable:bool LineNumber:int Modified:date Modifier:guid ModifierFullName:str NetPrice:num
  Notes:str Project:guid ProjectCode:str ProjectDescription:str ProjectedStock:num PurchaseOrderID:guid Quantity:num
  QuantityInPurchaseUnits:num Rebill:bool ReceiptDate:date ReceivedQuantity:num SalesOrder:guid SalesOrderLine:guid
  SalesOrderLineNumber:int SalesOrderNumber:int ShopOrderMaterialPlans:coll ShopOrderRoutingStepPlans:coll SupplierItemCode:str
  SupplierItemCopyRemarks:int Unit:str UnitDescription:str UnitPrice:num VATAmount:num VATCode:str VATDescription:str
  VATPercentage:num`;

/** manufacturing/ShopOrders */
export const SHOPORDER_FIELDS = `ID:guid CADDrawingURL:str Costcenter:str CostcenterDescription:str Costunit:str CostunitDescription:str Created:date Creator:guid
  CreatorFullName:str Description:str Division:int EntryDate:date IsBatch:byte IsFractionAllowedItem:byte IsInPlanning:byte
  IsOnHold:byte IsReleased:byte IsSerial:byte Item:guid ItemBarcode:str ItemCode:str ItemDescription:str ItemPictureUrl:str
  ItemVersion:guid ItemVersionDescription:str Modified:date Modifier:guid ModifierFullName:str Notes:str PlannedDate:date
  PlannedQuantity:num PlannedStartDate:date ProducedQuantity:num ProductionLeadDays:int Project:guid ProjectDescription:str
  ReadyToShipQuantity:num SalesOrderLineCount:int SalesOrderLines:coll SelectionCode:guid SelectionCodeCode:str
  SelectionCodeDescription:str ShopOrderByProductPlanBackflushCount:int ShopOrderByProductPlanCount:int ShopOrderMain:guid
  ShopOrderMainNumber:int ShopOrderMaterialPlanBackflushCount:int ShopOrderMaterialPlanCount:int ShopOrderMaterialPlans:coll
  ShopOrderMaterialPlansNonIssuedByproductsCount:int ShopOrderMaterialPlansNonIssuedMaterialsCount:int ShopOrderNumber:int
  ShopOrderNumberString:str ShopOrderParent:guid ShopOrderParentNumber:int ShopOrderRoutingStepPlanCount:int
  ShopOrderRoutingStepPlans:coll Status:int SubShopOrderCount:int Type:int Unit:str UnitDescription:str Warehouse:guid
  WarehouseCode:str WarehouseDescription:str YourRef:str`;

/** manufacturing/ShopOrderRoutingStepPlans */
export const SHOPORDERROUTINGSTEPPLAN_FIELDS = `ID:guid Account:guid AccountName:str AccountNumber:str AttendedPercentage:num Backflush:byte CostPerItem:num Created:date
  Creator:guid CreatorFullName:str Description:str Division:int EfficiencyPercentage:num FactorType:int LineNumber:int Modified:date
  Modifier:guid ModifierFullName:str Notes:str Operation:guid OperationCode:str OperationDescription:str OperationResource:guid
  PlannedEndDate:date PlannedRunHours:num PlannedSetupHours:num PlannedStartDate:date PlannedTotalHours:num PurchaseUnit:str
  PurchaseUnitFactor:num PurchaseUnitPriceFC:num PurchaseUnitQuantity:num RoutingStepType:int Run:num RunMethod:int
  RunMethodDescription:str Setup:num SetupUnit:str ShopOrder:guid Status:int StatusDescription:str SubcontractedLeadDays:int
  TimeTransactions:coll TotalCostDC:num Workcenter:guid WorkcenterCode:str WorkcenterDescription:str`;

/** manufacturing/ShopOrderMaterialPlans */
export const SHOPORDERMATERIALPLAN_FIELDS = `ID:guid Backflush:int Barcode:str CalculatorType:int Created:date Creator:guid CreatorFullName:str Description:str
  DetailDrawing:str Division:int Item:guid ItemCode:str ItemDescription:str ItemPictureUrl:str LineNumber:int Modified:date
  Modifier:guid ModifierFullName:str Notes:str PlannedAmountFC:num PlannedDate:date PlannedPriceFC:num PlannedQuantity:num
  PlannedQuantityFactor:num RoutingStepID:guid ShopOrder:guid Status:int StatusDescription:str Type:int Unit:str UnitDescription:str
  WastePercentage:num`;

/** manufacturing/Workcenters */
export const WORKCENTER_FIELDS = `ID:guid Capacity:int Code:str Costcenter:guid CostcenterDescription:str Costunit:guid CostunitDescription:str Created:date
  Creator:guid CreatorFullName:str Description:str Division:int GeneralBurdenRate:num IsLaborBurdenPercent:int LaborBurdenRate:num
  MachineBurdenRate:num Modified:date Modifier:guid ModifierFullName:str Notes:str ProductionArea:guid RunLaborRate:num
  SearchCode:str SetupLaborRate:num Status:int Type:int`;

/** manufacturing/Operations */
export const OPERATION_FIELDS = `ID:guid Code:str Created:date Creator:guid CreatorFullName:str Description:str Division:int HasSuppliers:int Item:guid
  ItemDescription:str Modified:date Modifier:guid ModifierFullName:str Notes:str Searchcode:str Status:int`;

/** manufacturing/TimeTransactions */
export const MANUFACTURINGTIMETRANSACTION_FIELDS = `ID:guid Activity:int Created:date Creator:guid CreatorFullName:str Date:date Division:int Employee:guid Hours:num
  IsOperationFinished:int LaborHours:num Modified:date Modifier:guid ModifierFullName:str Notes:str PercentComplete:num Quantity:num
  RoutingStepPlan:guid ShopOrder:guid Status:int TimedTimeTransaction:guid WorkCenter:guid`;

/** manufacturing/TimedTimeTransactions */
export const TIMEDTIMETRANSACTION_FIELDS = `ID:guid Created:date Creator:guid CreatorFullName:str Division:int Employee:guid EmployeeFullName:str EndTime:date
  IsOperationFinished:int LaborHours:num MachineHours:num Modified:date Modifier:guid ModifierFullName:str Notes:str Operation:guid
  OperationCode:str OperationDescription:str PercentComplete:num ProducedQuantity:num ProductionArea:guid ProductionAreaCode:str
  ProductionAreaDescription:str ShopOrder:guid ShopOrderDescription:str ShopOrderNumber:int ShopOrderRoutingStepPlan:guid
  ShopOrderRoutingStepPlanDescription:str ShopOrderRoutingStepPlanRemainingRunHours:num
  ShopOrderRoutingStepPlanRemainingSetupHours:num Source:int StartTime:date Status:int Type:int Workcenter:guid WorkcenterCode:str
  WorkcenterDescription:str`;

/** project/Projects */
export const PROJECT_FIELDS = `ID:guid Account:guid AccountCode:str AccountContact:guid AccountName:str AllowAdditionalInvoicing:bool AllowMemberEntryOnly:bool
  BlockEntry:bool BlockInvoicing:bool BlockPlanning:bool BlockPurchasing:bool BlockRebilling:bool BudgetedAmount:num
  BudgetedCosts:num BudgetedHoursPerHourType:coll BudgetedRevenue:num BudgetOverrunHours:byte BudgetType:int
  BudgetTypeDescription:str Classification:guid ClassificationDescription:str Code:str CostsAmountFC:num Created:date Creator:guid
  CreatorFullName:str CustomerPOnumber:str CustomField:str Description:str Division:int DivisionName:str EndDate:date
  FixedPriceItem:guid FixedPriceItemDescription:str HasWBSLines:bool IncludeInvoiceSpecification:int
  IncludeSpecificationInInvoicePdf:bool InternalNotes:str InvoiceAddress:guid InvoiceAsQuoted:bool InvoiceDescription:str
  InvoiceTerms:coll IsWBSRequiredForEntry:int Manager:guid ManagerFullname:str MarkupPercentage:num Modified:date Modifier:guid
  ModifierFullName:str Notes:str PaymentCondition:str PrepaidItem:guid PrepaidItemDescription:str PrepaidType:int
  PrepaidTypeDescription:str ProjectRestrictionEmployees:coll ProjectRestrictionItems:coll ProjectRestrictionRebillings:coll
  SalesTimeQuantity:num SourceQuotation:guid StartDate:date TimeQuantityToAlert:num Type:int TypeDescription:str
  UseBillingMilestones:bool`;

/** project/WBSDeliverables */
export const WBSDELIVERABLE_FIELDS = `ID:guid Completed:bool Created:date Creator:guid CreatorFullName:str CustomField:str Description:str Division:int Milestone:bool
  Modified:date Modifier:guid ModifierFullName:str Notes:str PartOf:guid PartOfDescription:str Project:guid ProjectDescription:str
  ProjectTerm:guid ProjectTermDescription:str ReleaseInvoiceTerm:bool ReleaseInvoiceTermDate:date SequenceNumber:int`;

/** project/WBSActivities */
export const WBSACTIVITY_FIELDS = `ID:guid AutoCreateInvoiceTerm:bool BlockEntry:bool BudgetedCost:num BudgetedHours:num BudgetedRevenue:num BudgetOverrunHours:byte
  Completed:bool Created:date Creator:guid CreatorFullName:str CustomField:str DefaultItem:guid DefaultItemIsMandatory:bool
  Description:str Division:int EndDate:date InvoiceDate:date InvoiceMethod:int InvoiceSeparately:bool InvoiceTerm:str Modified:date
  Modifier:guid ModifierFullName:str Notes:str PartOf:guid PartOfDescription:str Project:guid ProjectDescription:str
  ReleaseInvoiceTerm:bool ReleaseInvoiceTermDate:date SequenceNumber:int StartDate:date TimeQuantityToAlert:num`;

/** read/project/HourTypes */
export const HOURTYPE_FIELDS = `ItemId:guid ItemCode:str ItemDescription:str`;

/** project/ProjectHourBudgets */
export const PROJECTHOURBUDGET_FIELDS = `ID:guid Budget:num Created:date Creator:guid CreatorFullName:str Division:int Item:guid ItemCode:str ItemDescription:str
  Modified:date Modifier:guid ModifierFullName:str Project:guid ProjectCode:str ProjectDescription:str`;

/** project/TimeTransactions */
export const PROJECTTIMETRANSACTION_FIELDS = `ID:guid Account:guid AccountName:str Activity:guid ActivityDescription:str AmountFC:num Attachment:guid Created:date Creator:guid
  CreatorFullName:str Currency:str CustomField:str Date:date Division:int DivisionDescription:str Employee:guid EndTime:date
  EntryNumber:int ErrorText:str HourStatus:int Item:guid ItemDescription:str ItemDivisable:bool Modified:date Modifier:guid
  ModifierFullName:str Notes:str PriceFC:num Project:guid ProjectAccount:guid ProjectAccountCode:str ProjectAccountName:str
  ProjectCode:str ProjectDescription:str Quantity:num StartTime:date Subscription:guid SubscriptionAccount:guid
  SubscriptionAccountCode:str SubscriptionAccountName:str SubscriptionDescription:str SubscriptionNumber:int Type:int`;

/** project/ProjectPlanning */
export const PROJECTPLANNING_FIELDS = `ID:guid Account:guid AccountCode:str AccountName:str BGTStatus:int CommunicationErrorStatus:int Created:date Creator:guid
  CreatorFullName:str CustomField:str Description:str Division:int Employee:guid EmployeeCode:str EmployeeHID:int EndDate:date
  Hours:num HourType:guid HourTypeCode:str HourTypeDescription:str IsBrokenRecurrence:bool Modified:date Modifier:guid
  ModifierFullName:str Notes:str OverAllocate:bool Project:guid ProjectCode:str ProjectDescription:str ProjectPlanningRecurring:guid
  ProjectWBS:guid ProjectWBSDescription:str StartDate:date Status:int Type:int`;

/** inventory/Warehouses */
export const WAREHOUSE_FIELDS = `ID:guid Code:str Created:date Creator:guid CreatorFullName:str DefaultStorageLocation:str DefaultStorageLocationCode:str
  DefaultStorageLocationDescription:str Description:str Division:int EMail:str Main:int ManagerUser:guid Modified:date Modifier:guid
  ModifierFullName:str UseStorageLocations:int`;

/** logistics/SelectionCodes */
export const SELECTIONCODE_FIELDS = `ID:guid Active:int Code:str Created:date Creator:guid CreatorFullName:str Description:str Division:int Modified:date Modifier:guid
  ModifierFullName:str Notes:str`;

/** payroll/Employees */
export const EMPLOYEE_FIELDS = `ID:guid AddressLine2:str AddressLine3:str AddressStreet:str AddressStreetNumber:str AddressStreetNumberSuffix:str BirthDate:date
  BirthName:str BirthNamePrefix:str BirthPlace:str BusinessEmail:str BusinessFax:str BusinessMobile:str BusinessPhone:str
  BusinessPhoneExtension:str City:str Code:str Country:str Created:date Creator:guid CreatorFullName:str Customer:guid
  CustomField:str Division:int Email:str EmployeeHID:int EndDate:date FirstName:str FullName:str Gender:str HID:int Initials:str
  IsActive:bool IsAnonymised:byte Language:str LastName:str LocationDescription:str Manager:guid MaritalDate:date MaritalStatus:int
  MiddleName:str Mobile:str Modified:date Modifier:guid ModifierFullName:str NameComposition:int Nationality:str NickName:str
  Notes:str PartnerName:str PartnerNamePrefix:str Person:guid Phone:str PhoneExtension:str Picture:str PictureFileName:str
  PictureThumbnailUrl:str PictureUrl:str Postcode:str PrivateEmail:str SocialSecurityNumber:str StartDate:date State:str
  TaxIdentificationNumber:str Title:str User:guid UserFullName:str`;

/** hrm/Schedules */
export const SCHEDULE_FIELDS = `ID:guid AverageHours:num BillabilityTarget:num Code:str Created:date Creator:guid CreatorFullName:str Days:num Description:str
  Division:int Employee:guid EmployeeFullName:str Employment:guid EmploymentCLA:str EmploymentNumber:int EndDate:date Hours:num
  LeaveHoursCompensation:num Main:byte Modified:date Modifier:guid ModifierFullName:str PaymentParttimeFactor:num
  ScheduleEntries:coll ScheduleType:int ScheduleTypeDescription:str StartDate:date StartWeek:int`;

/** sync/HRM/ScheduleEntries */
export const SCHEDULEENTRY_FIELDS = `Break:bool BreakEndTime:str BreakStartTime:str Created:date Creator:guid CreatorFullName:str Day:int DayIsSelected:bool
  Division:int Employee:guid EmployeeFullName:str Employment:guid EmploymentNumber:int EndTime:str Hours:str ID:guid Modified:date
  Modifier:guid ModifierFullName:str Schedule:guid ScheduleType:int StartTime:str WeekNumber:int`;

/** hrm/LeaveAbsenceHoursByDay */
export const LEAVEABSENCEHOURSBYDAY_FIELDS = `ID:guid Created:date Date:date Division:int Employee:guid EmployeeFullName:str EmployeeHID:int Employment:guid EmploymentHID:int
  EndTime:date ExternalIDInt:int ExternalLeaveAbsenceType:int Hours:num Modified:date StartTime:date Status:int Type:int`;

/** hrm/LeaveRegistrations */
export const LEAVEREGISTRATION_FIELDS = `ID:guid Created:date Creator:guid CreatorFullName:str Description:str Division:int Employee:guid EmployeeFullName:str
  EmployeeHID:int EndDate:date EndTime:date Hours:num HoursFirstDay:num HoursLastDay:num LeaveType:guid LeaveTypeCode:str
  LeaveTypeDescription:str Modified:date Modifier:guid ModifierFullName:str Notes:str StartDate:date StartTime:date Status:int`;

/** hrm/AbsenceRegistrations */
export const ABSENCEREGISTRATION_FIELDS = `ID:guid AbsenceRegistrationTransactions:coll Cause:int CauseCode:str CauseDescription:str Created:date Creator:guid
  CreatorFullName:str Division:int Employee:guid EmployeeFullName:str EmployeeHID:int Modified:date Modifier:guid
  ModifierFullName:str Notes:str`;

/** hrm/AbsenceRegistrationTransactions */
export const ABSENCEREGISTRATIONTRANSACTION_FIELDS = `ID:guid AbsenceRegistration:guid Created:date Creator:guid CreatorFullName:str Division:int EndTime:date ExpectedEndDate:date
  Hours:num HoursFirstDay:num HoursLastDay:num Modified:date Modifier:guid ModifierFullName:str Notes:str NotificationMoment:str
  PercentageDisablement:num StartDate:date StartTime:date Status:int`;
