import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';

/** How long closing the ORM may take at shutdown. */
const ORM_CLOSE_MS = 5000;

/**
 * Closing MikroORM ends its connection pool, and a pool ends only when every checked-out connection came back.
 * After PostgreSQL went away in the middle of a transaction (db-outage.e2e-spec), one connection of the pool is
 * sometimes never given back (its commit and rollback both failed on a dead socket), and `app.close()` then waited
 * forever. The process must still stop: closing waits ORM_CLOSE_MS at most and says so. The connection itself is dead
 * already (PostgreSQL lists no session of ours), so nothing stays open on the server.
 */
@Injectable()
export class OrmShutdownGuard implements OnModuleInit {
  private readonly logger = new Logger('Shutdown');

  constructor(private readonly orm: MikroORM) {}

  onModuleInit(): void {
    const close = this.orm.close.bind(this.orm);
    this.orm.close = async (force?: boolean) => {
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        close(force).then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ORM_CLOSE_MS).unref())),
      ]);
      clearTimeout(timer);
      if (late) this.logger.warn(`the database pool still had a connection out after ${ORM_CLOSE_MS} ms at shutdown (lost in a database outage); stopping without it`);
    };
  }
}
