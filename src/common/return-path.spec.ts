import { describe, expect, it } from '@jest/globals';
import { sameOriginPath } from './return-path.js';

const BASE = 'https://koppel.example.com';

describe('sameOriginPath', () => {
  it.each([
    ['/invoices?status=draft', '/invoices?status=draft'],
    ['/customers/12#top', '/customers/12#top'],
    ['/a/../b', '/b'],
  ])('keeps the same-origin path %s', (input, expected) => {
    expect(sameOriginPath(input, BASE)).toBe(expected);
  });

  it.each([
    '/\\evil.example/',
    '//evil.example/',
    '/\t/evil.example/',
    'https://evil.example/',
    'evil.example',
    '/.//evil.example',
    'javascript:alert(1)',
    '',
    42,
    undefined,
  ])('refuses %p', (input) => {
    const out = sameOriginPath(input, BASE);
    expect(out).toBe('/');
    // and whatever comes back resolves to Koppel's own origin
    expect(new URL(out, BASE).origin).toBe(BASE);
  });

  it('uses the fallback given', () => {
    expect(sameOriginPath('//x', BASE, '/invoices')).toBe('/invoices');
  });
});
