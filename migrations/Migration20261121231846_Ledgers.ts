import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231846_Ledgers extends Migration {

  override name = 'Migration20261121231846_Ledgers';

  override up(): void | Promise<void> {
    this.addSql(`create table "cost_center" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(20) not null, "description" varchar(200) not null, "source" varchar(10) not null default 'manual', "active" boolean not null default true);`);
    this.addSql(`alter table "cost_center" add constraint "cost_center_code_unique" unique ("code");`);

    this.addSql(`create table "cost_dimension_link" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "kind" varchar(6) not null, "code" varchar(20) not null, "division" int not null, "exact_id" uuid null, "status" varchar(10) not null, "checked_at" timestamptz not null);`);
    this.addSql(`create index "cost_dimension_link_division_index" on "cost_dimension_link" ("division");`);
    this.addSql(`alter table "cost_dimension_link" add constraint "cost_dimension_link_kind_code_division_unique" unique ("kind", "code", "division");`);

    this.addSql(`create table "cost_unit" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(20) not null, "description" varchar(200) not null, "source" varchar(10) not null default 'manual', "active" boolean not null default true);`);
    this.addSql(`alter table "cost_unit" add constraint "cost_unit_code_unique" unique ("code");`);

    this.addSql(`create table "gl_account" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "number" varchar(20) not null, "name" varchar(200) not null, "description" text null, "analytic" boolean not null default false, "exact_type" int null, "source" varchar(10) not null default 'manual');`);
    this.addSql(`alter table "gl_account" add constraint "gl_account_number_unique" unique ("number");`);

    this.addSql(`create table "gl_account_link" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "gl_account_id" int not null, "division" int not null, "exact_id" uuid null, "status" varchar(10) not null, "exact_description" varchar(200) null, "missing_since" timestamptz null, "checked_at" timestamptz not null);`);
    this.addSql(`create index "gl_account_link_division_status_index" on "gl_account_link" ("division", "status");`);
    this.addSql(`alter table "gl_account_link" add constraint "gl_account_link_gl_account_id_division_unique" unique ("gl_account_id", "division");`);

    this.addSql(`create table "journal" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "code" varchar(20) not null, "description" varchar(200) not null, "type" int not null, "blocked" boolean not null default false, "missing" boolean not null default false, "exact_id" uuid null);`);
    this.addSql(`alter table "journal" add constraint "journal_division_code_unique" unique ("division", "code");`);

    this.addSql(`create table "ledger_import" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "resource" varchar(30) not null, "mode" varchar(12) not null, "all_types" boolean not null default false, "status" varchar(10) not null default 'queued', "trigger" varchar(12) not null, "created" int not null default 0, "updated" int not null default 0, "unchanged" int not null default 0, "skipped_count" int not null default 0, "skipped" jsonb not null, "progress_done" int not null default 0, "progress_total" int null, "api_calls" int null, "error" text null, "started_at" timestamptz null, "finished_at" timestamptz null);`);
    this.addSql(`create index "ledger_import_division_resource_created_at_index" on "ledger_import" ("division", "resource", "created_at");`);

    this.addSql(`create table "ledger_setting" ("key" varchar(60) not null, "value" jsonb not null, "updated_at" timestamptz not null default now(), primary key ("key"));`);

    this.addSql(`create table "vat_code" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "division" int not null, "code" varchar(3) not null, "description" varchar(200) not null, "percentage" numeric(7,4) not null, "type" varchar(1) null, "transaction_type" varchar(1) null, "charged" boolean not null default false, "blocked" boolean not null default false, "missing" boolean not null default false, "exact_id" uuid null);`);
    this.addSql(`alter table "vat_code" add constraint "vat_code_division_code_unique" unique ("division", "code");`);

    this.addSql(`create table "vat_rate" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(60) not null, "percentage" numeric(5,2) not null, "reverse_charge" boolean not null default false, "country" varchar(2) null, "active" boolean not null default true, "sort_order" int not null default 0);`);
    this.addSql(`alter table "vat_rate" add constraint "vat_rate_name_unique" unique ("name");`);

    this.addSql(`create table "vat_mapping" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "vat_rate_id" int not null, "division" int not null, "vat_code" varchar(3) not null, "automatic" boolean not null default false);`);
    this.addSql(`alter table "vat_mapping" add constraint "vat_mapping_vat_rate_id_division_unique" unique ("vat_rate_id", "division");`);

    this.addSql(`alter table "locations" add "sales_journal_code" varchar(20) null, add "credit_journal_code" varchar(20) null;`);

    this.addSql(`alter table "gl_account_link" add constraint "gl_account_link_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete cascade;`);

    this.addSql(`alter table "vat_mapping" add constraint "vat_mapping_vat_rate_id_foreign" foreign key ("vat_rate_id") references "vat_rate" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "gl_account_link" drop constraint "gl_account_link_gl_account_id_foreign";`);
    this.addSql(`alter table "vat_mapping" drop constraint "vat_mapping_vat_rate_id_foreign";`);

    this.addSql(`drop table if exists "cost_center" cascade;`);
    this.addSql(`drop table if exists "cost_dimension_link" cascade;`);
    this.addSql(`drop table if exists "cost_unit" cascade;`);
    this.addSql(`drop table if exists "gl_account" cascade;`);
    this.addSql(`drop table if exists "gl_account_link" cascade;`);
    this.addSql(`drop table if exists "journal" cascade;`);
    this.addSql(`drop table if exists "ledger_import" cascade;`);
    this.addSql(`drop table if exists "ledger_setting" cascade;`);
    this.addSql(`drop table if exists "vat_code" cascade;`);
    this.addSql(`drop table if exists "vat_rate" cascade;`);
    this.addSql(`drop table if exists "vat_mapping" cascade;`);

    this.addSql(`alter table "locations" drop column "sales_journal_code", drop column "credit_journal_code";`);
  }

}
