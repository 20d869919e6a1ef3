import { z } from 'zod';
import { resolve } from 'node:path';
import { projectRoot } from '../common/paths.js';
import { CronTime } from 'cron';
import { isIP } from 'node:net';

/** Default OAuth client of the built-in Exact sandbox (used when EXACT_BASE_URL is not set). */
export const SANDBOX_DEFAULT_CLIENT = {
  clientId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  clientSecret: 'sandbox-secret',
  webhookSecret: 'sandbox-webhook-secret',
} as const;

const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
  .pipe(z.url({ message: 'must be a URL such as https://example.com' }).optional());
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const port = (def: number) => z.coerce.number().int().min(0).max(65535).default(def);
const bool = (def: boolean) => z.enum(['true', 'false']).default(def ? 'true' : 'false').transform((v) => v === 'true');
const cron = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v) => v.trim())
    .refine((v) => CronTime.validateCronExpression(v).valid, { message: 'must be a cron expression such as */15 * * * *' });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalUrl.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must start with postgres:// or postgresql://',
  }),
  EMBEDDED_PG_PORT: port(54329),
  KOPPEL_SECRET_KEY: optionalString.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), {
    message: 'must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`',
  }),
  PUBLIC_BASE_URL: optionalUrl,
  EXACT_BASE_URL: optionalUrl,
  EXACT_CLIENT_ID: optionalString,
  EXACT_CLIENT_SECRET: optionalString,
  EXACT_WEBHOOK_SECRET: optionalString,
  EXACT_SANDBOX_PORT: port(3001),
  SANDBOX_CONTROL_TOKEN: optionalString.refine((v) => v === undefined || /^[\x21-\x7e]{16,200}$/.test(v), {
    message: 'must be at least 16 printable characters without spaces, e.g. from `openssl rand -hex 16`',
  }),
  CHROME_PATH: optionalString,
  EXACT_DAILY_RESERVE: z.coerce.number().int().min(0).max(100000).default(500),
  EXACT_ERROR_BUDGET: z.coerce.number().int().min(1).max(10).default(8),
  EXACT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300000).default(30000),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  SYNC_ENABLED: bool(true).describe('false = this process does no background work at all (sync jobs, exports, imports, webhook inbox, timers, sweeper); it serves pages and only queues work'),
  SYNC_CRON: cron('*/15 * * * *'),
  NIGHTLY_CRON: cron('0 2 * * *'),
  SYNC_TIMEZONE: z
    .string()
    .default('Europe/Amsterdam')
    .refine((v) => { try { new Intl.DateTimeFormat('en', { timeZone: v }); return true; } catch { return false; } }, { message: 'must be an IANA time zone such as Europe/Amsterdam' }),
  SYNC_TIMERS: bool(true).describe('false = the schedules fire only when SyncScheduler.tick() is called (tests)'),
  SYNC_STALE_MINUTES: z.coerce.number().positive().default(10),
  SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  SYNC_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  OUTGOING_DEBOUNCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60).describe('how long a planning change (a move on the board) waits before the date update goes to Exact, so a burst of moves becomes one update'),
  WEBHOOK_TOPICS: z
    .string()
    .default('FinancialTransactions,Accounts')
    .transform((v) => [...new Set(v.split(',').map((t) => t.trim()).filter(Boolean))])
    .refine((v) => v.every((t) => /^[A-Za-z][A-Za-z0-9]{0,59}$/.test(t)), { message: 'must be Exact topic names separated by commas, e.g. FinancialTransactions,Accounts' })
    .describe('Exact webhook topics Koppel subscribes to per division (handlers may add theirs)'),
  WEBHOOK_WORKER: bool(true).describe('false = this process only receives webhooks; another process works the inbox'),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(20).max(60000).default(1000),
  WEBHOOK_CHECK_SECONDS: z.coerce.number().min(0).max(86400).default(60).describe('how often a process running the sync engine looks whether subscriptions match the active divisions and queues the check job if not (0 = only every 15 minutes, nightly and on demand)'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v) => v.trim())
    .refine((v) => parseTrustProxy(v) !== undefined, {
      message: 'must be false, a number of proxy hops (1-10) or a comma-separated list of proxy addresses/subnets (e.g. 10.0.0.1,loopback)',
    })
    .describe('which reverse proxies may set X-Forwarded-For / X-Forwarded-Proto'),
  SESSION_MAX_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(24).describe('absolute lifetime of a login session'),
  SECURE_COOKIES: z
    .enum(['true', 'false', 'auto'])
    .default('auto')
    .describe('true = cookies only over HTTPS; auto = when PUBLIC_BASE_URL is https'),
});

export type RawConfig = z.infer<typeof schema>;

/** TRUST_PROXY → Express' "trust proxy" value: false, a hop count, or a list of addresses/subnets. */
export function parseTrustProxy(v: string): false | number | string[] | undefined {
  if (v === '' || v === 'false') return false;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    return n >= 1 && n <= 10 ? n : undefined;
  }
  const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  const ok = parts.length > 0 && parts.every((p) => {
    if (named.includes(p)) return true;
    const [addr, bits, ...rest] = p.split('/');
    const family = isIP(addr);
    if (!family || rest.length) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  return ok ? parts : undefined;
}

export interface AppConfig {
  env: RawConfig['NODE_ENV'];
  /** The version shown in the page footer (npm sets npm_package_version when it starts Koppel). */
  appVersion: string;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  embeddedPgPort: number;
  secretKeyHex?: string;
  publicBaseUrl: string;
  exact: {
    /** Base URL of Exact Online, or of the built-in sandbox when `sandbox` is true. */
    baseUrl: string;
    sandbox: boolean;
    sandboxPort: number;
    clientId: string;
    clientSecret: string;
    webhookSecret: string;
    redirectUri: string;
    /** Daily calls per division kept for interactive use; background jobs stop above it. */
    dailyReserve: number;
    /** Errors per hour on one endpoint after which Koppel pauses it (Exact blocks at 10). */
    errorBudget: number;
    timeoutMs: number;
    /** bearer token the built-in sandbox's control API (/_sandbox/*) requires, when set */
    sandboxControlToken?: string;
  };
  chromePath?: string;
  logLevel: RawConfig['LOG_LEVEL'];
  secureCookies: boolean;
  /** Express' "trust proxy": false unless TRUST_PROXY names the proxies in front of Koppel. */
  trustProxy: false | number | string[];
  /** Absolute lifetime of a login session in milliseconds (SESSION_MAX_HOURS). */
  sessionMaxAgeMs: number;
  webhooks: {
    topics: string[];
    worker: boolean;
    concurrency: number;
    maxAttempts: number;
    pollMs: number;
    checkSeconds: number;
  };
  sync: {
    enabled: boolean;
    cron: string;
    nightlyCron: string;
    timezone: string;
    timers: boolean;
    staleMinutes: number;
    concurrency: number;
    pollSeconds: number;
    /** OUTGOING_DEBOUNCE_SECONDS: a planning change waits this long before its run (moves of a burst fold into it) */
    outgoingDebounceSeconds: number;
  };
}

/** https, or http to this machine only (tokens and data never cross a network in clear text) */
function secureOrLoopback(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (['localhost', '[::1]'].includes(u.hostname) || /^127(\.\d{1,3}){3}$/.test(u.hostname));
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The only reader of process.env: validates every setting and names the variable on failure. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const publicBaseUrl = (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  const sandbox = !c.EXACT_BASE_URL;
  const problems: string[] = [];
  if (!sandbox && (!c.EXACT_CLIENT_ID || !c.EXACT_CLIENT_SECRET)) {
    problems.push('EXACT_CLIENT_ID / EXACT_CLIENT_SECRET: required when EXACT_BASE_URL points at Exact Online');
  }
  // outside sandbox mode no sandbox default is ever used: its demo secrets are published
  if (!sandbox && !c.EXACT_WEBHOOK_SECRET) {
    problems.push('EXACT_WEBHOOK_SECRET: required when EXACT_BASE_URL points at Exact Online (the webhook secret of your app in the Exact App Center)');
  }
  if (c.EXACT_BASE_URL && !secureOrLoopback(c.EXACT_BASE_URL)) {
    problems.push('EXACT_BASE_URL: must use https:// (plain http:// is only allowed for localhost, 127.0.0.1 or [::1])');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    env: c.NODE_ENV,
    appVersion: env.npm_package_version ?? '',
    host: c.HOST,
    port: c.PORT,
    dataDir: resolve(projectRoot, c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    embeddedPgPort: c.EMBEDDED_PG_PORT,
    secretKeyHex: c.KOPPEL_SECRET_KEY,
    publicBaseUrl,
    exact: {
      baseUrl: (c.EXACT_BASE_URL ?? `http://127.0.0.1:${c.EXACT_SANDBOX_PORT}`).replace(/\/+$/, ''),
      sandbox,
      sandboxPort: c.EXACT_SANDBOX_PORT,
      clientId: c.EXACT_CLIENT_ID ?? (sandbox ? SANDBOX_DEFAULT_CLIENT.clientId : ''),
      clientSecret: c.EXACT_CLIENT_SECRET ?? (sandbox ? SANDBOX_DEFAULT_CLIENT.clientSecret : ''),
      webhookSecret: c.EXACT_WEBHOOK_SECRET ?? (sandbox ? SANDBOX_DEFAULT_CLIENT.webhookSecret : ''),
      redirectUri: `${publicBaseUrl}/settings/integrations/exact/callback`,
      dailyReserve: c.EXACT_DAILY_RESERVE,
      errorBudget: c.EXACT_ERROR_BUDGET,
      timeoutMs: c.EXACT_TIMEOUT_MS,
      sandboxControlToken: c.SANDBOX_CONTROL_TOKEN,
    },
    chromePath: c.CHROME_PATH,
    logLevel: c.LOG_LEVEL,
    secureCookies: c.SECURE_COOKIES === 'auto' ? publicBaseUrl.startsWith('https://') : c.SECURE_COOKIES === 'true',
    trustProxy: parseTrustProxy(c.TRUST_PROXY) ?? false,
    sessionMaxAgeMs: Math.round(c.SESSION_MAX_HOURS * 3600 * 1000),
    webhooks: {
      topics: c.WEBHOOK_TOPICS,
      // the inbox is background work: a process without the engine (SYNC_ENABLED=false) only receives
      worker: c.WEBHOOK_WORKER && c.SYNC_ENABLED,
      concurrency: c.WEBHOOK_CONCURRENCY,
      maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
      pollMs: c.WEBHOOK_POLL_MS,
      checkSeconds: c.WEBHOOK_CHECK_SECONDS,
    },
    sync: {
      enabled: c.SYNC_ENABLED,
      cron: c.SYNC_CRON,
      nightlyCron: c.NIGHTLY_CRON,
      timezone: c.SYNC_TIMEZONE,
      timers: c.SYNC_TIMERS,
      staleMinutes: c.SYNC_STALE_MINUTES,
      concurrency: c.SYNC_CONCURRENCY,
      pollSeconds: c.SYNC_POLL_SECONDS,
      outgoingDebounceSeconds: c.OUTGOING_DEBOUNCE_SECONDS,
    },
  };
}

/** The environment a child process of Koppel (the built-in sandbox) starts with: this process's, plus `extra`. */
export function childProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** Injection token for the typed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
