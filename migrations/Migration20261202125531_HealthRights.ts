import { Migration } from '@mikro-orm/migrations';

export class Migration20261202125531_HealthRights extends Migration {

  override name = 'Migration20261202125531_HealthRights';

  override up(): void | Promise<void> {
    this.addSql(`create table "connection_health_right" ("id" serial primary key, "division" int not null, "key" varchar(160) not null, "endpoint" varchar(120) not null, "action" varchar(10) not null, "allowed" boolean not null, "reason" varchar(40) null, "asked_at" timestamptz not null);`);
    this.addSql(`alter table "connection_health_right" add constraint "connection_health_right_division_key_unique" unique ("division", "key");`);

    this.addSql(`alter table "planning_settings" drop column "rights", drop column "rights_checked_at";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "connection_health_right" cascade;`);

    this.addSql(`alter table "planning_settings" add "rights" jsonb null, add "rights_checked_at" timestamptz(6) null;`);
  }

}
