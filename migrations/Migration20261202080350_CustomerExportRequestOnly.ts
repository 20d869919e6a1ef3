import { Migration } from '@mikro-orm/migrations';

export class Migration20261202080350_CustomerExportRequestOnly extends Migration {

  override name = 'Migration20261202080350_CustomerExportRequestOnly';

  override up(): void | Promise<void> {
    // the outcome of exports the engine has no run row of moves into the engine's history first (nothing lost)
    this.addSql(`insert into "sync_run" ("division", "resource", "trigger", "status", "started_at", "finished_at", "progress_done", "progress_total", "error", "job_key", "payload", "summary")
      select 0, 'customer-export', 'user', case when e."status" = 'done' then 'ok' else 'failed' end, e."created_at", coalesce(e."finished_at", e."created_at"),
        coalesce((e."summary"->>'done')::int, 0), (e."summary"->>'total')::int,
        case when e."status" = 'done' then null else coalesce(e."error", 'interrupted') end, e."id"::text, jsonb_build_object('id', e."id"), e."summary"
      from "customer_exports" e
      where not exists (select 1 from "sync_run" r where r."resource" = 'customer-export' and r."job_key" = e."id"::text);`);
    this.addSql(`alter table "customer_exports" drop column "status", drop column "summary", drop column "error", drop column "finished_at";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "customer_exports" add "status" varchar(10) not null default 'running', add "summary" jsonb null, add "error" text null, add "finished_at" timestamptz(6) null;`);
  }

}
