import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from './clock.js';
import { createPool, DATABASE_URL, PG_POOL } from '../database/pg-pool.js';

/** Things created outside Nest's container (session store, …) register their clean-up here. */
export class ShutdownRegistry {
  private readonly tasks: (() => Promise<unknown> | unknown)[] = [];
  register(task: () => Promise<unknown> | unknown): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) await Promise.resolve(task()).catch(() => undefined);
  }
}

export interface Banner {
  kind: 'error' | 'warning' | 'info';
  key: string;
  params?: Record<string, unknown>;
  href?: string;
  linkKey?: string;
}
export type BannerSource = (user: { role: string } | undefined) => Promise<Banner | undefined>;

/** Modules add page-wide notices (e.g. "Exact Online needs a reconnect") shown on every page. */
export class BannerRegistry {
  private readonly sources: BannerSource[] = [];
  register(source: BannerSource): void {
    this.sources.push(source);
  }
  async collect(user: { role: string } | undefined): Promise<Banner[]> {
    const all = await Promise.all(this.sources.map((s) => s(user).catch(() => undefined)));
    return all.filter((b): b is Banner => !!b);
  }
}

/** How long shutdown waits for the pool's clients to come back. */
const POOL_END_MS = 5000;

/** Process-wide providers: the typed config, the clock and a small pg pool for libraries. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly shutdown: ShutdownRegistry,
  ) {}

  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_URL, useValue: databaseUrl },
        { provide: PG_POOL, useFactory: () => createPool(databaseUrl) },
        Clock,
        ShutdownRegistry,
        BannerRegistry,
      ],
      exports: [APP_CONFIG, DATABASE_URL, PG_POOL, Clock, ShutdownRegistry, BannerRegistry],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shutdown.run();
    // pool.end() waits for every checked-out client; a client that is never given back must not keep the process
    // from stopping: after a while we go on and say which query still held one
    const ended = this.pool.end().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([ended.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), POOL_END_MS).unref()))]);
    clearTimeout(timer);
    if (late) {
      const clients = ((this.pool as unknown as { _clients?: { activeQuery?: { text?: string } | null }[] })._clients ?? []);
      const busy = clients.map((c) => c.activeQuery?.text ?? '(no query: not released)').join(' | ');
      this.logger.warn(`PostgreSQL pool still had ${this.pool.totalCount - this.pool.idleCount} client(s) out after ${POOL_END_MS} ms at shutdown; going on without them: ${busy}`);
    }
  }
}
