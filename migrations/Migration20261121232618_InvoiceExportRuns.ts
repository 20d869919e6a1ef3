import { Migration } from '@mikro-orm/migrations';

export class Migration20261121232618_InvoiceExportRuns extends Migration {

  override name = 'Migration20261121232618_InvoiceExportRuns';

  override up(): void | Promise<void> {
    this.addSql(`create table "invoice_export_run" ("id" serial primary key, "action" varchar(12) not null, "filter" jsonb not null, "include_pdf" boolean not null, "invoice_ids" jsonb not null, "state" varchar(12) not null default 'running', "done" int not null default 0, "exported" int not null default 0, "blocked" int not null default 0, "failed" int not null default 0, "summary" jsonb null, "user_id" int null, "started_at" timestamptz not null default now(), "heartbeat_at" timestamptz not null default now(), "finished_at" timestamptz null);`);

    this.addSql(`alter table "invoice_export" add "claimed_by" varchar(60) null, add "claimed_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "invoice_export_run" cascade;`);

    this.addSql(`alter table "invoice_export" drop column "claimed_by", drop column "claimed_at";`);
  }

}
