import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from './clock.js';
import { createPool, DATABASE_URL, PG_POOL } from '../database/pg-pool.js';

/** Process-wide providers: the typed config, the clock and a small pg pool for libraries. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_URL, useValue: databaseUrl },
        { provide: PG_POOL, useFactory: () => createPool(databaseUrl) },
        Clock,
      ],
      exports: [APP_CONFIG, DATABASE_URL, PG_POOL, Clock],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
