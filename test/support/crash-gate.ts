import pg from 'pg';
import { waitFor } from './sync.js';

/**
 * A deterministic place to kill a Koppel process: a test-only trigger makes the first write on `table` that matches
 * `when` (a PL/pgSQL condition on NEW / OLD) wait on an advisory lock the test holds. The test kills the process while
 * it waits; the waiting transaction is ended with it (its backend is terminated), so everything committed before the
 * gated write stays and the gated write itself never happens.
 */
export interface CrashGate {
  /** Table whose write is held. */
  table: string;
  event: 'insert' | 'update';
  /** e.g. `old.attempts = 0 and new.attempts > 0` */
  when: string;
}

/** A process the gate can kill: `exited` resolves once it is gone. */
export interface Killable {
  kill(): void;
  exited: Promise<unknown>;
}

const GATE_LOCK = 81_018;

/**
 * Starts the process, waits until it reaches the gated write (its database backend waits on the gate's lock), kills
 * it there and cleans up (the trigger is dropped). Returns what `exited` resolved with.
 */
export async function killAtGate(dbUrl: string, gate: CrashGate, start: () => Killable, what: string): Promise<unknown> {
  const name = `crash_gate_${gate.table}`;
  const holder = new pg.Client({ connectionString: dbUrl });
  await holder.connect();
  let child: Killable | undefined;
  try {
    await holder.query('select pg_advisory_lock($1)', [GATE_LOCK]);
    await holder.query(`create or replace function ${name}() returns trigger language plpgsql as $$
      begin
        if ${gate.when} then perform pg_advisory_xact_lock(${GATE_LOCK}); end if;
        return new;
      end $$`);
    await holder.query(`create trigger ${name} before ${gate.event} on ${gate.table} for each row execute function ${name}()`);
    child = start();
    const waiting = await waitFor(async () => {
      const { rows } = await holder.query<{ pid: number }>(`select pid from pg_locks where locktype = 'advisory' and objid = $1 and not granted`, [GATE_LOCK]);
      return rows[0]?.pid;
    }, `the process reaching ${what}`, 120_000);
    child.kill();
    const exited = await child.exited;
    await holder.query('select pg_terminate_backend($1)', [waiting]);
    return exited;
  } finally {
    child?.kill();
    await holder.query(`drop trigger if exists ${name} on ${gate.table}`).catch(() => undefined);
    await holder.query(`drop function if exists ${name}()`).catch(() => undefined);
    await holder.query('select pg_advisory_unlock_all()').catch(() => undefined);
    await holder.end();
  }
}
