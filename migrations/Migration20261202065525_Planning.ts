import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065525_Planning extends Migration {

  override name = 'Migration20261202065525_Planning';

  override up(): void | Promise<void> {
    this.addSql(`create table "plan_master" ("id" serial primary key, "division" int not null, "kind" varchar(10) not null, "exact_id" varchar(36) not null, "code" varchar(40) null, "name" varchar(255) null, "data" jsonb null, "exact_timestamp" bigint null, "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "plan_master_kind_code_index" on "plan_master" ("kind", "code");`);
    this.addSql(`alter table "plan_master" add constraint "plan_master_division_kind_exact_id_unique" unique ("division", "kind", "exact_id");`);

    this.addSql(`create table "planning_settings" ("division" int not null, "options" jsonb not null default '{}', "active_options" jsonb null, "state" varchar(10) not null default 'saved', "saved_at" timestamptz null, "activated_at" timestamptz null, "first_import_at" timestamptz null, "division_move_date" varchar(40) null, "summaries" jsonb not null default '{}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("division"));`);

    this.addSql(`create table "plan_resource" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int null, "kind" varchar(10) not null, "exact_id" varchar(36) null, "code" varchar(40) null, "name" varchar(200) not null, "group" varchar(120) null, "active" boolean not null default true, "exact_schedule" boolean not null default false, "weekly_hours" jsonb null, "user_id" int null, "cost_code" varchar(20) null, "version" int not null default 1, "exact_timestamp" bigint null);`);
    this.addSql(`create index "plan_resource_active_kind_name_index" on "plan_resource" ("active", "kind", "name");`);
    this.addSql(`alter table "plan_resource" add constraint "plan_resource_division_kind_exact_id_unique" unique ("division", "kind", "exact_id");`);

    this.addSql(`create table "resource_schedule_entry" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "resource_id" int not null, "division" int not null, "exact_id" varchar(36) not null, "from_date" date not null, "to_date" date null, "main" boolean not null default true, "schedule_type" int null, "hours" numeric(6,2) not null, "week_hours" jsonb not null);`);
    this.addSql(`create index "resource_schedule_entry_resource_id_from_date_index" on "resource_schedule_entry" ("resource_id", "from_date");`);
    this.addSql(`alter table "resource_schedule_entry" add constraint "resource_schedule_entry_division_exact_id_unique" unique ("division", "exact_id");`);

    this.addSql(`create table "resource_leave" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "resource_id" int not null, "division" int not null, "exact_id" varchar(36) not null, "date" date not null, "hours" numeric(6,2) not null, "kind" varchar(8) not null, "status" varchar(10) not null);`);
    this.addSql(`create index "resource_leave_resource_id_date_index" on "resource_leave" ("resource_id", "date");`);
    this.addSql(`alter table "resource_leave" add constraint "resource_leave_division_exact_id_unique" unique ("division", "exact_id");`);

    this.addSql(`create table "plan_card" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "kind" varchar(24) not null, "exact_id" varchar(36) not null, "parent_exact_id" varchar(36) null, "number" varchar(40) null, "description" varchar(255) null, "customer_id" int null, "relation_exact_id" varchar(36) null, "relation_name" varchar(200) null, "account_manager" varchar(120) null, "warehouse_code" varchar(20) null, "due_date" date null, "exact_start_date" date null, "quantity" numeric(14,4) null, "unit" varchar(20) null, "status" varchar(10) not null default 'open', "archived_reason" varchar(20) null, "archived_at" timestamptz null, "exact_status" int null, "planned_start" date null, "planned_end" date null, "resource_id" int null, "notes" text null, "lines" jsonb not null default '[]', "materials" jsonb not null default '[]', "related" jsonb not null default '[]', "extra" jsonb not null default '{}', "version" int not null default 1, "exact_timestamp" bigint null, "exact_modified_at" timestamptz null);`);
    this.addSql(`create index "plan_card_warehouse_code_index" on "plan_card" ("warehouse_code");`);
    this.addSql(`create index "plan_card_division_parent_exact_id_index" on "plan_card" ("division", "parent_exact_id");`);
    this.addSql(`create index "plan_card_customer_id_index" on "plan_card" ("customer_id");`);
    this.addSql(`create index "plan_card_status_number_id_index" on "plan_card" ("status", "number", "id");`);
    this.addSql(`create index "plan_card_status_kind_due_date_id_index" on "plan_card" ("status", "kind", "due_date", "id");`);
    this.addSql(`create index "plan_card_status_due_date_id_index" on "plan_card" ("status", "due_date", "id");`);
    this.addSql(`alter table "plan_card" add constraint "plan_card_division_kind_exact_id_unique" unique ("division", "kind", "exact_id");`);

    this.addSql(`create table "plan_card_event" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "card_id" int not null, "source" varchar(8) not null, "action" varchar(16) not null, "changes" jsonb null, "by" varchar(120) null);`);
    this.addSql(`create index "plan_card_event_card_id_id_index" on "plan_card_event" ("card_id", "id");`);

    this.addSql(`create table "plan_activity" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "card_id" int not null, "division" int not null, "kind" varchar(16) not null, "exact_id" varchar(80) not null, "sequence" int not null default 0, "code" varchar(40) null, "description" varchar(255) null, "workcenter_code" varchar(40) null, "estimated_hours" numeric(10,2) null, "setup_hours" numeric(10,2) null, "run_hours" numeric(10,2) null, "exact_start_date" date null, "exact_end_date" date null, "resource_id" int null, "planned_start" date null, "planned_end" date null, "status" varchar(10) not null default 'open', "version" int not null default 1, "exact_timestamp" bigint null);`);
    this.addSql(`create index "plan_activity_status_planned_start_index" on "plan_activity" ("status", "planned_start");`);
    this.addSql(`create index "plan_activity_resource_id_planned_start_index" on "plan_activity" ("resource_id", "planned_start");`);
    this.addSql(`create index "plan_activity_card_id_index" on "plan_activity" ("card_id");`);
    this.addSql(`alter table "plan_activity" add constraint "plan_activity_division_kind_exact_id_unique" unique ("division", "kind", "exact_id");`);

    this.addSql(`alter table "plan_resource" add constraint "plan_resource_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "resource_schedule_entry" add constraint "resource_schedule_entry_resource_id_foreign" foreign key ("resource_id") references "plan_resource" ("id") on delete cascade;`);

    this.addSql(`alter table "resource_leave" add constraint "resource_leave_resource_id_foreign" foreign key ("resource_id") references "plan_resource" ("id") on delete cascade;`);

    this.addSql(`alter table "plan_card" add constraint "plan_card_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete set null;`);
    this.addSql(`alter table "plan_card" add constraint "plan_card_resource_id_foreign" foreign key ("resource_id") references "plan_resource" ("id") on delete set null;`);

    this.addSql(`alter table "plan_card_event" add constraint "plan_card_event_card_id_foreign" foreign key ("card_id") references "plan_card" ("id") on delete cascade;`);

    this.addSql(`alter table "plan_activity" add constraint "plan_activity_card_id_foreign" foreign key ("card_id") references "plan_card" ("id") on delete cascade;`);
    this.addSql(`alter table "plan_activity" add constraint "plan_activity_resource_id_foreign" foreign key ("resource_id") references "plan_resource" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "resource_schedule_entry" drop constraint "resource_schedule_entry_resource_id_foreign";`);
    this.addSql(`alter table "resource_leave" drop constraint "resource_leave_resource_id_foreign";`);
    this.addSql(`alter table "plan_card" drop constraint "plan_card_resource_id_foreign";`);
    this.addSql(`alter table "plan_activity" drop constraint "plan_activity_resource_id_foreign";`);
    this.addSql(`alter table "plan_card_event" drop constraint "plan_card_event_card_id_foreign";`);
    this.addSql(`alter table "plan_activity" drop constraint "plan_activity_card_id_foreign";`);

    this.addSql(`drop table if exists "plan_master" cascade;`);
    this.addSql(`drop table if exists "planning_settings" cascade;`);
    this.addSql(`drop table if exists "plan_resource" cascade;`);
    this.addSql(`drop table if exists "resource_schedule_entry" cascade;`);
    this.addSql(`drop table if exists "resource_leave" cascade;`);
    this.addSql(`drop table if exists "plan_card" cascade;`);
    this.addSql(`drop table if exists "plan_card_event" cascade;`);
    this.addSql(`drop table if exists "plan_activity" cascade;`);
  }

}
