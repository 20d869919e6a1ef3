import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ValidationError } from './errors.js';

/** Did the database refuse a row because a unique key is taken (PostgreSQL 23505)? */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof UniqueConstraintViolationException;
}

/**
 * Flushes the unit of work; a value taken meanwhile (by another user at the same moment, or a number typed twice)
 * ends as a field error on `field` (422, the form shown again) instead of a 500. The unit of work is cleared first,
 * so the refused rows are not flushed again by a later flush.
 */
export async function flushUnique(em: { flush(): Promise<void>; clear(): void }, field: string): Promise<void> {
  try {
    await em.flush();
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    em.clear();
    throw new ValidationError({ [field]: ['validation.taken'] });
  }
}
