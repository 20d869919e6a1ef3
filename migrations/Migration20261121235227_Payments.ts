import { Migration } from '@mikro-orm/migrations';

export class Migration20261121235227_Payments extends Migration {

  override name = 'Migration20261121235227_Payments';

  override up(): void | Promise<void> {
    this.addSql(`create table "invoice_payment" ("id" bigserial primary key, "invoice_id" int not null, "division" int not null, "exact_key" varchar(80) not null, "kind" varchar(12) not null default 'bank', "receivable_id" uuid null, "transaction_line_id" uuid null, "entry_id" uuid null, "entry_number" int null, "journal_code" varchar(20) null, "date" date not null, "amount" numeric(14,2) not null, "source" varchar(10) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "invoice_payment_invoice_id_date_index" on "invoice_payment" ("invoice_id", "date");`);
    this.addSql(`alter table "invoice_payment" add constraint "invoice_payment_division_exact_key_unique" unique ("division", "exact_key");`);

    this.addSql(`create table "payment_sync_request" ("division" int not null, "requested" bigint not null default '0', "handled" bigint not null default '0', "updated_at" timestamptz not null default now(), primary key ("division"));`);

    this.addSql(`alter table "invoice_payment" add constraint "invoice_payment_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "invoice_payment" cascade;`);
    this.addSql(`drop table if exists "payment_sync_request" cascade;`);
  }

}
