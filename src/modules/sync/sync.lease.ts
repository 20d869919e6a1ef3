import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { DATABASE_URL } from '../../database/pg-pool.js';

/** Advisory-lock class of Koppel sync worker processes ('KS'). */
const LOCK_CLASS = 0x4b53;

/**
 * Who runs a job, and is that process still alive? Each sync worker process holds a session-level
 * advisory lock on its own random id for as long as it lives. PostgreSQL drops the lock the moment
 * the process's connection dies (also on SIGKILL or a lost machine), so another process can tell a
 * dead owner from a busy one without waiting for a heartbeat to go stale.
 */
@Injectable()
export class SyncLease {
  private readonly logger = new Logger('SyncLease');
  readonly id = randomInt(1, 2 ** 31 - 1);
  private client?: pg.Client;

  constructor(@Inject(DATABASE_URL) private readonly url: string) {}

  get held(): boolean {
    return !!this.client;
  }

  async acquire(): Promise<void> {
    if (this.client) return;
    const client = new pg.Client({ connectionString: this.url, application_name: `koppel-sync-${this.id}` });
    client.on('error', (e) => this.logger.warn(`lease connection: ${e.message}`));
    await client.connect();
    await client.query('select pg_advisory_lock($1, $2)', [LOCK_CLASS, this.id]);
    this.client = client;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** True when the process with this id still holds its lock (or is this process). */
  async isAlive(owner: number | null | undefined): Promise<boolean> {
    if (!owner) return false;
    if (owner === this.id) return true;
    if (!this.client) throw new Error('SyncLease not acquired');
    const { rows } = await this.client.query<{ got: boolean }>('select pg_try_advisory_lock($1, $2) as got', [LOCK_CLASS, owner]);
    if (!rows[0]?.got) return true;
    await this.client.query('select pg_advisory_unlock($1, $2)', [LOCK_CLASS, owner]);
    return false;
  }
}
