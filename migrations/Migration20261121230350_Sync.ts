import { Migration } from '@mikro-orm/migrations';

export class Migration20261121230350_Sync extends Migration {

  override name = 'Migration20261121230350_Sync';

  override up(): void | Promise<void> {
    this.addSql(`create table "sync_run" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "resource" varchar(60) not null, "trigger" varchar(12) not null, "status" varchar(12) not null default 'running', "started_at" timestamptz not null, "finished_at" timestamptz null, "duration_ms" int null, "created_count" int not null default 0, "updated_count" int not null default 0, "deleted_count" int not null default 0, "api_calls" int not null default 0, "progress_done" int not null default 0, "progress_total" int null, "cursor_start" text null, "cursor_end" text null, "error" text null, "attempt" int null, "job_id" varchar(40) null, "owner" int null);`);
    this.addSql(`create index "sync_run_status_started_at_index" on "sync_run" ("status", "started_at");`);
    this.addSql(`create index "sync_run_division_resource_started_at_index" on "sync_run" ("division", "resource", "started_at");`);

    this.addSql(`create table "sync_state" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "resource" varchar(60) not null, "cursor" text null, "stage" varchar(60) null, "status" varchar(12) not null default 'idle', "last_trigger" varchar(12) null, "last_started_at" timestamptz null, "last_finished_at" timestamptz null, "last_duration_ms" int null, "last_ok_at" timestamptz null, "created_count" int not null default 0, "updated_count" int not null default 0, "deleted_count" int not null default 0, "api_calls" int not null default 0, "progress_done" int not null default 0, "progress_total" int null, "last_error" text null, "last_error_at" timestamptz null, "next_run_at" timestamptz null, "heartbeat_at" timestamptz null, "owner" int null, "current_run_id" int null, "job_id" varchar(40) null);`);
    this.addSql(`create index "sync_state_status_index" on "sync_state" ("status");`);
    this.addSql(`alter table "sync_state" add constraint "sync_state_division_resource_unique" unique ("division", "resource");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sync_run" cascade;`);
    this.addSql(`drop table if exists "sync_state" cascade;`);
  }

}
