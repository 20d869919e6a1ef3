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

describe('keys used in code', () => {
  it('exist in the translations (validation messages, problems and errors named in src/)', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { projectRoot } = await import('../paths.js');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.spec.ts') && !p.includes('exact-sandbox')) files.push(p);
      }
    };
    walk(join(projectRoot, 'src'));
    const used = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/'((?:validation|[a-z]+\.(?:validation|problems|errors))\.[A-Za-z]+)'/g)) used.add(m[1]);
    }
    const t = i18nInstance().getFixedT('nl');
    const missing = [...used].filter((k) => t(k) === k);
    expect(used.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
