import { describe, expect, it } from '@jest/globals';
import { i18nInstance } from './i18n.js';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('translations', () => {
  it('has every key in both Dutch and English', () => {
    const store = i18nInstance().store.data;
    const nl = keys(store.nl.translation as Record<string, unknown>).sort();
    const en = keys(store.en.translation as Record<string, unknown>).sort();
    expect(nl.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !nl.includes(k))).toEqual([]);
  });
});
