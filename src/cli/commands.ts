import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../config/config.js';
import { ensureDatabase } from '../database/database.js';
import { ormConfig } from '../database/orm.config.js';
import { UsersService } from '../modules/users/users.service.js';
import { PasswordService } from '../modules/auth/password.service.js';
import { NewUserForm } from '../modules/users/user.form.js';
import { ValidationError } from '../common/errors.js';
import { translator } from '../common/i18n/i18n.js';

const USAGE = `Usage: npm run koppel -- <command>

Commands:
  user:create --email E --password P --role admin|accountant|planner [--name N]
      Creates a staff user (e.g. the first administrator, for scripts).
`;

async function withUsers<T>(fn: (users: UsersService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await ensureDatabase(config, (m) => console.error(m));
  const orm = await MikroORM.init(ormConfig(db.url, { poolMax: 2 }));
  try {
    await orm.migrator.up();
    return await fn(new UsersService(orm.em.fork(), new PasswordService()));
  } finally {
    await orm.close();
    await db.stop();
  }
}

export async function runCli(argv: string[], out: Pick<Console, 'log' | 'error'> = console): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'user:create') {
    const { values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    });
    const parsed = NewUserForm.safeParse({ ...values, name: values.name ?? values.email?.split('@')[0] });
    if (!parsed.success) {
      const t = translator('en');
      for (const issue of parsed.error.issues) out.error(`--${String(issue.path[0])}: ${t(issue.message)}`);
      out.error(`\n${USAGE}`);
      return 2;
    }
    try {
      const user = await withUsers((users) => users.create(parsed.data, 'nl'));
      out.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
      return 0;
    } catch (e) {
      if (e instanceof ValidationError) {
        out.error(`--email: a user with this e-mail address already exists.`);
        return 1;
      }
      throw e;
    }
  }
  out.error(command ? `Unknown command: ${command}\n\n${USAGE}` : USAGE);
  return command ? 2 : 0;
}
