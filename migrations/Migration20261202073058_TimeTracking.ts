import { Migration } from '@mikro-orm/migrations';

export class Migration20261202073058_TimeTracking extends Migration {

  override name = 'Migration20261202073058_TimeTracking';

  override up(): void | Promise<void> {
    this.addSql(`create table "planning_outbox_log" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "outbox_id" int not null, "card_id" int null, "time_entry_id" int null, "action" varchar(12) not null, "detail" text null);`);
    this.addSql(`create index "planning_outbox_log_time_entry_id_id_index" on "planning_outbox_log" ("time_entry_id", "id");`);
    this.addSql(`create index "planning_outbox_log_card_id_id_index" on "planning_outbox_log" ("card_id", "id");`);

    this.addSql(`create table "planning_outbox" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "kind" varchar(24) not null, "reference" varchar(80) not null, "card_id" int null, "time_entry_id" int null, "target" varchar(36) null, "payload" jsonb not null, "state" varchar(8) not null default 'queued', "pending" boolean not null default false, "attempts" int not null default 0, "exact_id" varchar(36) null, "last_error" text null, "sent_at" timestamptz null);`);
    this.addSql(`create index "planning_outbox_time_entry_id_index" on "planning_outbox" ("time_entry_id");`);
    this.addSql(`create index "planning_outbox_card_id_index" on "planning_outbox" ("card_id");`);
    this.addSql(`create index "planning_outbox_state_division_kind_index" on "planning_outbox" ("state", "division", "kind");`);
    this.addSql(`alter table "planning_outbox" add constraint "planning_outbox_reference_unique" unique ("reference");`);

    this.addSql(`create table "planning_outgoing_settings" ("division" int not null, "production_order_outbound" boolean not null default false, "shop_order_time" boolean not null default false, "shop_order_planned_date" boolean not null default false, "project_outbound" boolean not null default false, "sales_order_outbound" boolean not null default false, "sales_order_delivery_date" boolean not null default false, "selection_codes" jsonb not null default '{}', "updated_at" timestamptz not null default now(), primary key ("division"));`);

    this.addSql(`create table "time_entry" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "resource_id" int not null, "activity_id" int not null, "card_id" int not null, "division" int not null, "date" date not null, "start_time" varchar(5) null, "end_time" varchar(5) null, "hours" numeric(6,2) not null, "phase" varchar(5) null, "quantity" numeric(14,4) null, "operation_finished" boolean not null default false, "notes" text null, "status" varchar(10) not null default 'open', "reject_reason" text null, "decided_by" varchar(120) null, "decided_at" timestamptz null, "entered_by" varchar(120) null, "send_state" varchar(8) not null default 'none', "send_error" text null, "exact_id" varchar(36) null, "version" int not null default 1);`);
    this.addSql(`create index "time_entry_card_id_index" on "time_entry" ("card_id");`);
    this.addSql(`create index "time_entry_status_date_index" on "time_entry" ("status", "date");`);
    this.addSql(`create index "time_entry_resource_id_date_index" on "time_entry" ("resource_id", "date");`);

    this.addSql(`alter table "time_entry" add constraint "time_entry_resource_id_foreign" foreign key ("resource_id") references "plan_resource" ("id") on delete restrict;`);
    this.addSql(`alter table "time_entry" add constraint "time_entry_activity_id_foreign" foreign key ("activity_id") references "plan_activity" ("id") on delete restrict;`);
    this.addSql(`alter table "time_entry" add constraint "time_entry_card_id_foreign" foreign key ("card_id") references "plan_card" ("id") on delete restrict;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "planning_outbox_log" cascade;`);
    this.addSql(`drop table if exists "planning_outbox" cascade;`);
    this.addSql(`drop table if exists "planning_outgoing_settings" cascade;`);
    this.addSql(`drop table if exists "time_entry" cascade;`);

  }

}
