import { DomainError } from '../../common/errors.js';

/** A problem that stops a customer from going to Exact: an i18n key (customers.problems.*) and its parameters. */
export interface CustomerProblem {
  key: string;
  params?: Record<string, unknown>;
}

/** The customer cannot be sent (no address, invalid VAT number, no division …): nothing was sent. */
export class CustomerNotSendableError extends DomainError {
  constructor(readonly customerId: number, readonly problems: CustomerProblem[]) {
    super('customer_not_sendable', `Customer ${customerId} cannot be sent to Exact: ${problems.map((p) => p.key).join(', ')}`, 422, problems[0]?.key ?? 'customers.problems.notSendable', problems[0]?.params ?? {});
  }
}

/** Saving would make a second customer with the same name and address (Back + Save, a double entry): asked first. */
export class DuplicateCustomerError extends DomainError {
  constructor(readonly existing: { id: number; number: string; name: string }) {
    super('customer_duplicate', `A customer with this name and address exists: ${existing.number}`, 422, 'customers.duplicate.exists', { number: existing.number, name: existing.name });
  }
}

/** Exact's account has another name or address than Koppel's: the user chooses (nothing is overwritten silently). */
export class CustomerConflictError extends DomainError {
  constructor(readonly customerId: number, readonly division: number) {
    super('customer_conflict', `Customer ${customerId}: name or address differs from the Exact account in division ${division}`, 409, 'customers.problems.conflict', { division });
  }
}
