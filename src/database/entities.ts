import { LoginThrottleRow, SessionRow } from './session.entity.js';
import { User } from '../modules/users/user.entity.js';
import { Location } from '../modules/locations/location.entity.js';
import { EXACT_ENTITIES } from '../exact/exact.entities.js';
import { SyncState } from '../modules/sync/sync-state.entity.js';
import { SyncRun } from '../modules/sync/sync-run.entity.js';
import { WEBHOOK_ENTITIES } from '../modules/webhooks/webhook.entities.js';
import { CUSTOMER_ENTITIES } from '../modules/customers/customer.entity.js';
import { LEDGER_ENTITIES } from '../modules/ledgers/ledgers.entities.js';
import { PRODUCT_ENTITIES } from '../modules/products/product.entity.js';
import { INVOICE_ENTITIES } from '../modules/invoices/invoice.entity.js';
import { EXPORT_ENTITIES } from '../modules/accounting-export/accounting-export.entity.js';
import { PAYMENT_ENTITIES } from '../modules/payments/invoice-payment.entity.js';
import { FormSubmission } from '../common/form-once.js';
import { TRANSACTION_ENTITIES } from '../modules/transactions/transaction.entity.js';
import { InvoiceSender } from '../modules/invoice-sender/invoice-sender.entity.js';
import { ConnectionHealthCheck } from '../modules/connection-health/connection-health.entity.js';
import { ConnectionHealthRight } from '../modules/connection-health/connection-health-right.entity.js';
import { PLANNING_ENTITIES } from '../modules/planning/planning.entities.js';
import { TIME_ENTITIES } from '../modules/time/time-entry.entity.js';
import { OUTGOING_ENTITIES } from '../modules/planning-outgoing/outgoing.entity.js';

/** Every entity of the application, registered once for MikroORM and the migration generator. */


/** Every entity of the application, registered once for MikroORM and the migration generator. */
export const ENTITIES = [SessionRow, LoginThrottleRow, User, Location, SyncState, SyncRun, ...EXACT_ENTITIES, ...WEBHOOK_ENTITIES, ...CUSTOMER_ENTITIES, ...LEDGER_ENTITIES, ...PRODUCT_ENTITIES, ...INVOICE_ENTITIES, ...EXPORT_ENTITIES, ...PAYMENT_ENTITIES, FormSubmission, ...TRANSACTION_ENTITIES, InvoiceSender, ConnectionHealthCheck, ConnectionHealthRight, ...PLANNING_ENTITIES, ...TIME_ENTITIES, ...OUTGOING_ENTITIES];
