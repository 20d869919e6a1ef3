import { Migration } from '@mikro-orm/migrations';

export class Migration20261202033507_FormSubmissions extends Migration {

  override name = 'Migration20261202033507_FormSubmissions';

  override up(): void | Promise<void> {
    this.addSql(`create table "form_submission" ("token" varchar(40) not null, "kind" varchar(20) not null, "target" varchar(200) null, "created_at" timestamptz not null default now(), primary key ("token"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "form_submission" cascade;`);
  }

}
