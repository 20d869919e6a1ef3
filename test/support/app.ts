import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { UsersService } from '../../src/modules/users/users.service.js';
import type { Role } from '../../src/modules/users/user.entity.js';
import { startTestDatabase, type TestDatabase } from './database.js';

export type Agent = InstanceType<typeof TestAgent>;

export interface TestApp {
  app: NestExpressApplication;
  orm: MikroORM;
  config: AppConfig;
  db: TestDatabase;
  agent(): Agent;
  /** Runs fn inside a MikroORM request context (allowGlobalContext is off). */
  inContext<T>(fn: () => Promise<T>): Promise<T>;
  createUser(role: Role, email?: string, password?: string): Promise<{ email: string; password: string }>;
  login(email: string, password: string): Promise<Agent>;
  close(): Promise<void>;
}

/** The real app on a database: migrations, the same configureApp as main.ts, init. */
export async function bootApp(config: AppConfig, url: string, beforeInit?: (app: NestExpressApplication) => void): Promise<{ app: NestExpressApplication; orm: MikroORM }> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, url)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
  const orm = app.get<MikroORM>(MikroORM);
  await orm.migrator.up();
  await configureApp(app);
  beforeInit?.(app); // e.g. a test's sync resources, registered before this process's workers start
  await app.init();
  return { app, orm };
}

/** Boots the real app (same configureApp as main.ts) on a throwaway PostgreSQL. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await startTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: db.dataDir, LOG_LEVEL: 'error', ...env });
  const { app, orm } = await bootApp(config, db.url);
  const http = app.getHttpServer();

  const t: TestApp = {
    app,
    orm,
    config,
    db,
    agent: () => request.agent(http),
    inContext: (fn) => RequestContext.create(orm.em, fn),
    async createUser(role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`, password = 'correct horse battery') {
      await t.inContext(() => app.get(UsersService).create({ email, name: `Test ${role}`, role, password }));
      return { email, password };
    },
    async login(email, password) {
      const agent = t.agent();
      const page = await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email, password });
      if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
      return agent;
    },
    async close() {
      await app.close();
      await db.stop();
    },
  };
  return t;
}

/** The CSRF token rendered into a page (hidden _csrf field). */
export function csrfFrom(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/** GET a page and return its CSRF token (the agent keeps the cookies). */
export async function csrf(agent: Agent, path = '/'): Promise<string> {
  const res = await agent.get(path);
  return csrfFrom(res.text);
}
