import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065739_InvoiceSender extends Migration {

  override name = 'Migration20261202065739_InvoiceSender';

  override up(): void | Promise<void> {
    this.addSql(`create table "invoice_sender" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "scope" varchar(30) not null, "location_id" int null, "legal_name" varchar(160) null, "street" varchar(120) null, "house_number" varchar(20) null, "postcode" varchar(12) null, "city" varchar(80) null, "country" varchar(2) null, "kvk_number" varchar(8) null, "vat_number" varchar(20) null, "phone" varchar(30) null, "email" varchar(254) null, "website" varchar(200) null, "logo" bytea null, "logo_type" varchar(20) null);`);
    this.addSql(`alter table "invoice_sender" add constraint "invoice_sender_scope_unique" unique ("scope");`);

    this.addSql(`alter table "invoice_sender" add constraint "invoice_sender_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "invoice_sender" cascade;`);
  }

}
