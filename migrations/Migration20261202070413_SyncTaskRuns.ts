import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070413_SyncTaskRuns extends Migration {

  override name = 'Migration20261202070413_SyncTaskRuns';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sync_run" add "job_key" varchar(80) null, add "payload" jsonb null, add "summary" jsonb null, add "heartbeat_at" timestamptz null;`);
    this.addSql(`create index "sync_run_resource_job_key_index" on "sync_run" ("resource", "job_key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "sync_run_resource_job_key_index";`);
    this.addSql(`alter table "sync_run" drop column "job_key", drop column "payload", drop column "summary", drop column "heartbeat_at";`);
  }

}
