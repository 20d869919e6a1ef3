import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231924_Webhooks extends Migration {

  override name = 'Migration20261121231924_Webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_inbox" ("id" bigserial primary key, "content_hash" varchar(64) not null, "topic" varchar(60) not null, "division" int not null, "action" varchar(20) not null, "key" varchar(100) not null, "client_id" varchar(64) null, "endpoint" text null, "event_created_on" varchar(40) null, "content" text not null, "status" varchar(20) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null default now(), "locked_until" timestamptz null, "claimed_by" varchar(40) null, "handled" jsonb not null default '[]', "last_error" text null, "received_at" timestamptz not null default now(), "processed_at" timestamptz null);`);
    this.addSql(`alter table "webhook_inbox" add constraint "webhook_inbox_content_hash_unique" unique ("content_hash");`);
    this.addSql(`create index "webhook_inbox_received_at_index" on "webhook_inbox" ("received_at");`);
    this.addSql(`create index "webhook_inbox_division_topic_key_index" on "webhook_inbox" ("division", "topic", "key");`);
    this.addSql(`create index "webhook_inbox_status_next_attempt_at_index" on "webhook_inbox" ("status", "next_attempt_at");`);

    this.addSql(`create table "webhook_rejection" ("id" bigserial primary key, "bucket" timestamptz not null, "reason" varchar(30) not null, "ip" varchar(64) not null, "count" int not null default 1, "last_at" timestamptz not null, "detail" text null);`);
    this.addSql(`create index "webhook_rejection_last_at_index" on "webhook_rejection" ("last_at");`);
    this.addSql(`alter table "webhook_rejection" add constraint "webhook_rejection_bucket_reason_ip_unique" unique ("bucket", "reason", "ip");`);

    this.addSql(`create table "webhook_subscription" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "topic" varchar(60) not null, "exact_id" varchar(64) null, "callback_url" text not null, "status" varchar(12) not null default 'active', "last_error" text null, "verified_at" timestamptz null);`);
    this.addSql(`alter table "webhook_subscription" add constraint "webhook_subscription_division_topic_unique" unique ("division", "topic");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_inbox" cascade;`);
    this.addSql(`drop table if exists "webhook_rejection" cascade;`);
    this.addSql(`drop table if exists "webhook_subscription" cascade;`);
  }

}
