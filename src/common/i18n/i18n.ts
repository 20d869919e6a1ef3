import i18next, { type i18n, type TFunction } from 'i18next';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';

export const SUPPORTED_LANGUAGES = ['nl', 'en'] as const;
export type Lang = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Lang = 'nl';

const LOCALE_DIR = join(projectRoot, 'src', 'common', 'i18n', 'locales');
const INTL_LOCALE: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };

/**
 * locales/<lang>/<module>.json: each module owns its own file (top-level keys must not clash);
 * all files of a language are merged into one translation namespace.
 */
function loadResources() {
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const lang of SUPPORTED_LANGUAGES) {
    const translation: Record<string, unknown> = {};
    for (const file of readdirSync(join(LOCALE_DIR, lang)).filter((f) => f.endsWith('.json')).sort()) {
      const content = JSON.parse(readFileSync(join(LOCALE_DIR, lang, file), 'utf8')) as Record<string, unknown>;
      for (const key of Object.keys(content)) {
        if (key in translation) throw new Error(`i18n: key "${key}" of ${lang}/${file} is already defined by another file`);
      }
      Object.assign(translation, content);
    }
    resources[lang] = { translation };
  }
  return resources;
}

let instance: i18n | undefined;

/** One i18next instance for the process (resources are read once from src/common/i18n/locales). */
export function i18nInstance(): i18n {
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      resources: loadResources(),
      lng: DEFAULT_LANGUAGE,
      fallbackLng: DEFAULT_LANGUAGE,
      supportedLngs: [...SUPPORTED_LANGUAGES],
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  return instance;
}

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(v);
}

const fixed = new Map<Lang, TFunction>();

/** The translator of a language: one per language for the process (texts are read once and never change). */
export function translator(lang: Lang): TFunction {
  let t = fixed.get(lang);
  if (!t) fixed.set(lang, (t = i18nInstance().getFixedT(lang)));
  return t;
}

/** Picks a language from an Accept-Language header, else the default. */
export function langFromHeader(header: string | undefined): Lang {
  for (const part of (header ?? '').split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (isLang(code)) return code;
  }
  return DEFAULT_LANGUAGE;
}

export function formatDate(lang: Lang, value: Date | string | undefined | null, withTime = false): string {
  if (!value) return '';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Amsterdam',
  }).format(d);
}

export function formatMoney(lang: Lang, value: number | string | undefined | null, currency = 'EUR'): string {
  if (value === undefined || value === null || value === '') return '';
  return new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'currency', currency }).format(Number(value));
}

export function formatNumber(lang: Lang, value: number | string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '';
  return new Intl.NumberFormat(INTL_LOCALE[lang]).format(Number(value));
}
