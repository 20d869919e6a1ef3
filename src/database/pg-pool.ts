import pg from 'pg';

export const PG_POOL = Symbol('PG_POOL');
export const DATABASE_URL = Symbol('DATABASE_URL');

/** A small pg pool for libraries that talk to PostgreSQL themselves (session store, login throttle). */
export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  pool.on('error', () => undefined); // idle-client errors (e.g. server shutting down) must not crash the process
  return pool;
}
