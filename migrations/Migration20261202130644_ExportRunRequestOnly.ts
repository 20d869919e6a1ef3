import { Migration } from '@mikro-orm/migrations';

export class Migration20261202130644_ExportRunRequestOnly extends Migration {

  override name = 'Migration20261202130644_ExportRunRequestOnly';

  override up(): void | Promise<void> {
    // nothing lost: the outcome of runs moves to the engine's run rows before the columns go. A run the engine has a
    // row of gets the run's own counts and summary (customers, accounts, busy, error) merged into that row's summary;
    // an ended run without one (older than the engine's task rows) gets a row of its own
    this.addSql(`update "sync_run" r set "summary" = coalesce(r."summary", '{}'::jsonb) || coalesce(e."summary", '{}'::jsonb)
        || jsonb_build_object('done', e."done", 'exported', e."exported", 'blocked', e."blocked", 'failed', e."failed")
      from "invoice_export_run" e
      where r."resource" = 'invoice-export-run' and r."job_key" = e."id"::text;`);
    this.addSql(`insert into "sync_run" ("division", "resource", "trigger", "status", "started_at", "finished_at", "progress_done", "progress_total", "error", "job_key", "payload", "summary")
      select 0, 'invoice-export-run', case when e."action" = 'automatic' then 'schedule' else 'user' end, case when e."state" = 'done' then 'ok' else 'failed' end,
        e."started_at", coalesce(e."finished_at", e."heartbeat_at", e."started_at"), e."done", jsonb_array_length(e."invoice_ids"),
        case when e."state" = 'done' then null else coalesce(e."summary"->>'error', 'Interrupted') end, e."id"::text, jsonb_build_object('runId', e."id"),
        coalesce(e."summary", '{}'::jsonb) || jsonb_build_object('done', e."done", 'exported', e."exported", 'blocked', e."blocked", 'failed', e."failed")
      from "invoice_export_run" e
      where e."state" <> 'running' and not exists (select 1 from "sync_run" r where r."resource" = 'invoice-export-run' and r."job_key" = e."id"::text);`);
    this.addSql(`alter table "invoice_export_run" drop column "state", drop column "done", drop column "exported", drop column "blocked", drop column "failed", drop column "summary", drop column "heartbeat_at", drop column "finished_at";`);
    this.addSql(`alter table "invoice_export_run" add "division" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "invoice_export_run" drop column "division";`);
    this.addSql(`alter table "invoice_export_run" add "state" varchar(12) not null default 'running', add "done" int4 not null default 0, add "exported" int4 not null default 0, add "blocked" int4 not null default 0, add "failed" int4 not null default 0, add "summary" jsonb null, add "heartbeat_at" timestamptz(6) not null default now(), add "finished_at" timestamptz(6) null;`);
  }

}
