import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070622_Transactions extends Migration {

  override name = 'Migration20261202070622_Transactions';

  override up(): void | Promise<void> {
    this.addSql(`create table "transaction_batch" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "location_id" int not null, "division" int not null, "date" date not null, "kind" varchar(10) not null, "sequence" int not null, "journal_code" varchar(20) not null, "reference" varchar(80) not null, "state" varchar(10) not null, "exact_entry_id" uuid null, "exact_entry_number" int null, "last_error" text null, "attempts" int not null default 0, "sent_at" timestamptz null);`);
    this.addSql(`alter table "transaction_batch" add constraint "transaction_batch_reference_unique" unique ("reference");`);
    this.addSql(`create index "transaction_batch_division_state_index" on "transaction_batch" ("division", "state");`);
    this.addSql(`alter table "transaction_batch" add constraint "transaction_batch_location_id_date_kind_sequence_unique" unique ("location_id", "date", "kind", "sequence");`);

    this.addSql(`create table "transaction_location_settings" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "location_id" int not null, "cash_journal_code" varchar(20) null, "misc_journal_code" varchar(20) null, "description_template" varchar(200) null, "debtors_gl_account_id" int null);`);
    this.addSql(`alter table "transaction_location_settings" add constraint "transaction_location_settings_location_id_unique" unique ("location_id");`);

    this.addSql(`create table "transaction_type" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(80) not null, "gl_account_id" int null, "cash" boolean not null default true, "direction" varchar(3) not null default 'in', "active" boolean not null default true);`);
    this.addSql(`alter table "transaction_type" add constraint "transaction_type_name_unique" unique ("name");`);

    this.addSql(`create table "desk_transaction" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "location_id" int not null, "type_id" int not null, "date" date not null, "amount" numeric(14,2) not null, "method" varchar(10) not null, "customer_id" int null, "invoice_id" int null, "description" varchar(200) not null, "reversal_of_id" int null, "state" varchar(10) not null default 'queued', "batch_id" int null, "last_error" text null, "problems" jsonb null, "created_by" int null);`);
    this.addSql(`create index "desk_transaction_location_id_date_index" on "desk_transaction" ("location_id", "date");`);
    this.addSql(`create index "desk_transaction_state_location_id_date_index" on "desk_transaction" ("state", "location_id", "date");`);

    this.addSql(`create table "transaction_type_gl" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "location_id" int not null, "type_id" int not null, "gl_account_id" int not null);`);
    this.addSql(`alter table "transaction_type_gl" add constraint "transaction_type_gl_location_id_type_id_unique" unique ("location_id", "type_id");`);

    this.addSql(`alter table "transaction_batch" add constraint "transaction_batch_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete restrict;`);

    this.addSql(`alter table "transaction_location_settings" add constraint "transaction_location_settings_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete cascade;`);
    this.addSql(`alter table "transaction_location_settings" add constraint "transaction_location_settings_debtors_gl_account_id_foreign" foreign key ("debtors_gl_account_id") references "gl_account" ("id") on delete set null;`);

    this.addSql(`alter table "transaction_type" add constraint "transaction_type_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete set null;`);

    this.addSql(`alter table "desk_transaction" add constraint "desk_transaction_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete restrict;`);
    this.addSql(`alter table "desk_transaction" add constraint "desk_transaction_type_id_foreign" foreign key ("type_id") references "transaction_type" ("id") on delete restrict;`);
    this.addSql(`alter table "desk_transaction" add constraint "desk_transaction_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete restrict;`);
    this.addSql(`alter table "desk_transaction" add constraint "desk_transaction_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on delete restrict;`);
    this.addSql(`alter table "desk_transaction" add constraint "desk_transaction_reversal_of_id_foreign" foreign key ("reversal_of_id") references "desk_transaction" ("id") on delete restrict;`);
    this.addSql(`alter table "desk_transaction" add constraint "desk_transaction_batch_id_foreign" foreign key ("batch_id") references "transaction_batch" ("id") on delete set null;`);

    this.addSql(`alter table "transaction_type_gl" add constraint "transaction_type_gl_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete cascade;`);
    this.addSql(`alter table "transaction_type_gl" add constraint "transaction_type_gl_type_id_foreign" foreign key ("type_id") references "transaction_type" ("id") on delete cascade;`);
    this.addSql(`alter table "transaction_type_gl" add constraint "transaction_type_gl_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "desk_transaction" drop constraint "desk_transaction_batch_id_foreign";`);
    this.addSql(`alter table "desk_transaction" drop constraint "desk_transaction_type_id_foreign";`);
    this.addSql(`alter table "transaction_type_gl" drop constraint "transaction_type_gl_type_id_foreign";`);
    this.addSql(`alter table "desk_transaction" drop constraint "desk_transaction_reversal_of_id_foreign";`);

    this.addSql(`drop table if exists "transaction_batch" cascade;`);
    this.addSql(`drop table if exists "transaction_location_settings" cascade;`);
    this.addSql(`drop table if exists "transaction_type" cascade;`);
    this.addSql(`drop table if exists "desk_transaction" cascade;`);
    this.addSql(`drop table if exists "transaction_type_gl" cascade;`);
  }

}
