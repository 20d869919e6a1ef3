import { Migration } from '@mikro-orm/migrations';

export class Migration20261202071433_ConnectionHealth extends Migration {

  override name = 'Migration20261202071433_ConnectionHealth';

  override up(): void | Promise<void> {
    this.addSql(`create table "connection_health" ("division" int not null, "checked_at" timestamptz not null, "problem_count" int not null, "result" jsonb not null, primary key ("division"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "connection_health" cascade;`);
  }

}
