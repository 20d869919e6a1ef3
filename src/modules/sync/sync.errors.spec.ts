import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors.js';
import { errorText } from './sync.errors.js';

describe('errorText (the last error kept for the Sync page)', () => {
  it('keeps the message verbatim and adds Exact\'s own text and HTTP status once', () => {
    const e = Object.assign(new DomainError('exact_forbidden', 'Exact refused access', 502), {
      httpStatus: 403,
      exactMessage: 'Geen toegang: u heeft geen rechten voor administratie 123',
    });
    expect(errorText(e)).toBe('Exact refused access — Exact: Geen toegang: u heeft geen rechten voor administratie 123 (HTTP 403)');
    const plain = Object.assign(new Error('Exact answered 500: Interne fout'), { status: 500 });
    expect(errorText(plain)).toBe('Exact answered 500: Interne fout');
    expect(errorText(new Error('boom', { cause: new Error('socket hang up') }))).toBe('boom (cause: socket hang up)');
    expect(errorText('text')).toBe('text');
  });
});
