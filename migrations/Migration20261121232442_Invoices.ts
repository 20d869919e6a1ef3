import { Migration } from '@mikro-orm/migrations';

export class Migration20261121232442_Invoices extends Migration {

  override name = 'Migration20261121232442_Invoices';

  override up(): void | Promise<void> {
    this.addSql(`create table "invoice_pdf" ("invoice_id" int not null, "bytes" bytea not null, "sha256" varchar(64) not null, "size" int not null, "created_at" timestamptz not null, primary key ("invoice_id"));`);

    this.addSql(`create table "invoice" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "location_id" int not null, "kind" text not null default 'invoice', "number" bigint null, "invoice_date" date not null, "due_date" date not null, "customer_id" int not null, "reference" varchar(100) null, "status" text not null default 'draft', "credit_for_id" int null, "language" varchar(2) not null default 'nl', "net" numeric(14,2) not null default '0', "vat" numeric(14,2) not null default '0', "gross" numeric(14,2) not null default '0', "paid" numeric(14,2) not null default '0', "open" numeric(14,2) not null default '0', "finalized_at" timestamptz null, "changed_after_export" boolean not null default false);`);
    this.addSql(`create index "invoice_customer_id_index" on "invoice" ("customer_id");`);
    this.addSql(`create index "invoice_status_location_id_index" on "invoice" ("status", "location_id");`);
    this.addSql(`create index "invoice_invoice_date_id_index" on "invoice" ("invoice_date", "id");`);
    this.addSql(`alter table "invoice" add constraint "invoice_location_id_number_unique" unique ("location_id", "number");`);

    this.addSql(`create table "invoice_export_log" ("id" bigserial primary key, "invoice_id" int not null, "at" timestamptz not null, "action" varchar(30) not null, "outcome" varchar(12) not null, "detail" text null);`);
    this.addSql(`create index "invoice_export_log_invoice_id_at_index" on "invoice_export_log" ("invoice_id", "at");`);

    this.addSql(`create table "invoice_export" ("id" serial primary key, "invoice_id" int not null, "division" int not null, "state" varchar(20) not null default 'queued', "include_pdf" boolean not null default true, "journal_code" varchar(20) null, "pending_step" varchar(20) null, "exact_document_id" uuid null, "exact_attachment_id" uuid null, "exact_entry_id" uuid null, "pdf_sha256" varchar(64) null, "problems" jsonb null, "last_error" text null, "attempts" int not null default 0, "exported_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`create index "invoice_export_state_index" on "invoice_export" ("state");`);
    this.addSql(`alter table "invoice_export" add constraint "invoice_export_invoice_id_unique" unique ("invoice_id");`);

    this.addSql(`create table "location_invoicing" ("location_id" int not null, "gl_account_id" int null, "cost_center_id" int null, "cost_unit_id" int null, "export_mode" varchar(10) not null default 'manual', "include_pdf" boolean not null default true, "payment_term_days" int not null default 30, "next_number" bigint not null default '1', "iban" varchar(34) null, primary key ("location_id"));`);

    this.addSql(`create table "product_group" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(80) not null, "gl_account_id" int null, "cost_center_id" int null, "cost_unit_id" int null);`);
    this.addSql(`alter table "product_group" add constraint "product_group_name_unique" unique ("name");`);

    this.addSql(`create table "product" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(30) not null, "name" varchar(200) not null, "unit_price" numeric(14,4) null, "vat_rate_id" int null, "group_id" int null, "gl_account_id" int null, "cost_center_id" int null, "cost_unit_id" int null, "active" boolean not null default true);`);
    this.addSql(`alter table "product" add constraint "product_code_unique" unique ("code");`);

    this.addSql(`create table "invoice_line" ("id" serial primary key, "invoice_id" int not null, "position" int not null, "description" varchar(500) not null, "quantity" numeric(14,3) not null, "unit_price" numeric(14,4) not null, "discount_percent" numeric(5,2) not null default '0', "vat_rate_id" int not null, "product_id" int null, "gl_account_id" int null, "cost_center_id" int null, "cost_unit_id" int null);`);

    this.addSql(`alter table "invoice" add constraint "invoice_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete restrict;`);
    this.addSql(`alter table "invoice" add constraint "invoice_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete restrict;`);
    this.addSql(`alter table "invoice" add constraint "invoice_credit_for_id_foreign" foreign key ("credit_for_id") references "invoice" ("id") on delete restrict;`);
    this.addSql(`alter table "invoice" add constraint "invoice_kind_check" check ("kind" in ('invoice', 'credit_note'));`);
    this.addSql(`alter table "invoice" add constraint "invoice_status_check" check ("status" in ('draft', 'final', 'exported', 'partly_paid', 'paid'));`);

    this.addSql(`alter table "invoice_export_log" add constraint "invoice_export_log_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on delete cascade;`);

    this.addSql(`alter table "invoice_export" add constraint "invoice_export_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on delete cascade;`);

    this.addSql(`alter table "location_invoicing" add constraint "location_invoicing_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete set null;`);
    this.addSql(`alter table "location_invoicing" add constraint "location_invoicing_cost_center_id_foreign" foreign key ("cost_center_id") references "cost_center" ("id") on delete set null;`);
    this.addSql(`alter table "location_invoicing" add constraint "location_invoicing_cost_unit_id_foreign" foreign key ("cost_unit_id") references "cost_unit" ("id") on delete set null;`);

    this.addSql(`alter table "product_group" add constraint "product_group_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete set null;`);
    this.addSql(`alter table "product_group" add constraint "product_group_cost_center_id_foreign" foreign key ("cost_center_id") references "cost_center" ("id") on delete set null;`);
    this.addSql(`alter table "product_group" add constraint "product_group_cost_unit_id_foreign" foreign key ("cost_unit_id") references "cost_unit" ("id") on delete set null;`);

    this.addSql(`alter table "product" add constraint "product_vat_rate_id_foreign" foreign key ("vat_rate_id") references "vat_rate" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_group_id_foreign" foreign key ("group_id") references "product_group" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_cost_center_id_foreign" foreign key ("cost_center_id") references "cost_center" ("id") on delete set null;`);
    this.addSql(`alter table "product" add constraint "product_cost_unit_id_foreign" foreign key ("cost_unit_id") references "cost_unit" ("id") on delete set null;`);

    this.addSql(`alter table "invoice_line" add constraint "invoice_line_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on delete cascade;`);
    this.addSql(`alter table "invoice_line" add constraint "invoice_line_vat_rate_id_foreign" foreign key ("vat_rate_id") references "vat_rate" ("id") on delete restrict;`);
    this.addSql(`alter table "invoice_line" add constraint "invoice_line_product_id_foreign" foreign key ("product_id") references "product" ("id") on delete set null;`);
    this.addSql(`alter table "invoice_line" add constraint "invoice_line_gl_account_id_foreign" foreign key ("gl_account_id") references "gl_account" ("id") on delete restrict;`);
    this.addSql(`alter table "invoice_line" add constraint "invoice_line_cost_center_id_foreign" foreign key ("cost_center_id") references "cost_center" ("id") on delete set null;`);
    this.addSql(`alter table "invoice_line" add constraint "invoice_line_cost_unit_id_foreign" foreign key ("cost_unit_id") references "cost_unit" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "invoice" drop constraint "invoice_credit_for_id_foreign";`);
    this.addSql(`alter table "invoice_export_log" drop constraint "invoice_export_log_invoice_id_foreign";`);
    this.addSql(`alter table "invoice_export" drop constraint "invoice_export_invoice_id_foreign";`);
    this.addSql(`alter table "invoice_line" drop constraint "invoice_line_invoice_id_foreign";`);
    this.addSql(`alter table "product" drop constraint "product_group_id_foreign";`);
    this.addSql(`alter table "invoice_line" drop constraint "invoice_line_product_id_foreign";`);

    this.addSql(`drop table if exists "invoice_pdf" cascade;`);
    this.addSql(`drop table if exists "invoice" cascade;`);
    this.addSql(`drop table if exists "invoice_export_log" cascade;`);
    this.addSql(`drop table if exists "invoice_export" cascade;`);
    this.addSql(`drop table if exists "location_invoicing" cascade;`);
    this.addSql(`drop table if exists "product_group" cascade;`);
    this.addSql(`drop table if exists "product" cascade;`);
    this.addSql(`drop table if exists "invoice_line" cascade;`);
  }

}
