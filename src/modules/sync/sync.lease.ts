import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { DATABASE_URL, PG_POOL } from '../../database/pg-pool.js';

/** Advisory-lock class of Koppel processes ('KS'). */
const LOCK_CLASS = 0x4b53;

/** How a claim names its owner: "lease:<id>/<rest>" (rest = what the owner calls the work, free text). */
const OWNER = /^lease:(\d{1,10})\//;

/**
 * Who runs a piece of background work, and is that process still alive? The one answer for every claim in
 * Koppel (sync runs, export runs, the per-invoice export claim, the webhook inbox). Each process that does
 * background work holds a session-level advisory lock on its own random id for as long as it lives.
 * PostgreSQL drops the lock the moment the process's connection dies (SIGKILL, a lost machine, a network
 * cut), so any process on any host can tell a dead owner from a busy one without a heartbeat going stale and
 * without pids (which mean nothing on another machine).
 */
@Injectable()
export class SyncLease {
  private readonly logger = new Logger('SyncLease');
  readonly id = randomInt(1, 2 ** 31 - 1);
  private client?: pg.Client;
  /** Between acquire() and release(): a lost connection (database restarted) is made again, on the same id. */
  private wanted = false;
  private retrying?: Promise<void>;

  constructor(
    @Inject(DATABASE_URL) private readonly url: string,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  get held(): boolean {
    return !!this.client;
  }

  async acquire(): Promise<void> {
    this.wanted = true;
    if (this.client) return;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: `koppel-sync-${this.id}` });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (this.wanted) this.retrying ??= this.reconnect().finally(() => (this.retrying = undefined));
    };
    client.on('error', (e) => {
      this.logger.warn(`lease connection: ${e.message}`);
      lost();
    });
    client.on('end', lost);
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1, $2)', [LOCK_CLASS, this.id]);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (!this.wanted) {
      // released while this connection was being made: let it go again at once
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    while (this.wanted && !this.client) {
      await new Promise((r) => setTimeout(r, 1000).unref());
      if (!this.wanted) break; // released meanwhile (shutdown): no new connection after the app has closed
      await this.connect().catch(() => undefined);
    }
    if (this.client) this.logger.log(`lease ${this.id} held again`);
  }

  async release(): Promise<void> {
    this.wanted = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** The owner text of a claim this process makes: "lease:<id>/<what>". Needs the lease (background work only). */
  owner(what: string): string {
    if (!this.wanted) throw new Error('SyncLease not acquired: this process does no background work (SYNC_ENABLED=false)');
    return `lease:${this.id}/${what}`;
  }

  /** The lease id in an owner text made by owner(); undefined for any other text. */
  static idOf(owner: string | null | undefined): number | undefined {
    const m = owner ? OWNER.exec(owner) : null;
    return m ? Number(m[1]) : undefined;
  }

  /** True when the process with this id still holds its lock (or is this process). Works in any process. */
  async isAlive(owner: number | null | undefined): Promise<boolean> {
    if (!owner) return false;
    if (owner === this.id && this.wanted) return true;
    // a transaction-scoped try-lock conflicts with the owner's session lock and is let go at commit by itself
    const c = await this.pool.connect();
    try {
      await c.query('begin');
      const { rows } = await c.query<{ got: boolean }>('select pg_try_advisory_xact_lock($1, $2) as got', [LOCK_CLASS, owner]);
      await c.query('commit');
      return !rows[0]?.got;
    } catch (e) {
      await c.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  /** isAlive for an owner text made by owner(): false for a text of another kind (an older format's claim). */
  async ownerAlive(owner: string | null | undefined): Promise<boolean> {
    return this.isAlive(SyncLease.idOf(owner));
  }
}
