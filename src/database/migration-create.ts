// Generates a migration from the difference between the entities and the schema that the landed
// migrations produce: `npm run migration:create -- <name>`. Runs on a throwaway embedded PostgreSQL.
import { MikroORM } from '@mikro-orm/postgresql';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { ormConfig } from './orm.config.js';
import { freePort } from '../common/net.js';
import { projectRoot } from '../common/paths.js';

const name = process.argv[2];
const dir = await mkdtemp(join(tmpdir(), 'koppel-migrate-'));
await chmod(dir, 0o755);
const db = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: await freePort(), database: 'koppel', persistent: false });
try {
  const orm = await MikroORM.init(ormConfig(db.url));
  await orm.migrator.up();
  const result = await orm.migrator.create(join(projectRoot, 'migrations'), false, false, name);
  if (!result.fileName) console.log('No changes: the entities match the migrations.');
  else console.log(`Created migrations/${result.fileName}; add it to migrations/index.ts\n${result.diff.up.join('\n')}`);
  await orm.close();
} finally {
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
