import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231623_Customers extends Migration {

  override name = 'Migration20261121231623_Customers';

  override up(): void | Promise<void> {
    this.addSql(`create table "customer_exports" ("id" serial primary key, "filter" jsonb not null, "status" varchar(10) not null default 'running', "summary" jsonb null, "error" text null, "created_at" timestamptz not null default now(), "finished_at" timestamptz null);`);

    this.addSql(`create table "customer_settings" ("id" int not null default 1, "exact_changes" varchar(10) not null default 'update', "import_new" boolean not null default true, "updated_at" timestamptz not null default now(), primary key ("id"));`);

    this.addSql(`create table "customers" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "number" varchar(18) not null, "type" text not null default 'business', "name" varchar(200) not null, "contact_person" varchar(120) null, "street" varchar(120) null, "house_number" varchar(20) null, "postcode" varchar(12) null, "city" varchar(80) null, "country" varchar(2) not null default 'NL', "email" varchar(254) null, "phone" varchar(40) null, "vat_number" varchar(20) null, "coc_number" varchar(20) null, "location_id" int null, "version" int not null default 1, "status" varchar(10) not null default 'active', "merged_into_id" int null);`);
    this.addSql(`alter table "customers" add constraint "customers_number_unique" unique ("number");`);
    this.addSql(`create index "customers_name_index" on "customers" ("name");`);

    this.addSql(`create table "customer_exact_links" ("id" serial primary key, "customer_id" int not null, "division" int not null, "exact_id" varchar(36) null, "exact_code" varchar(18) null, "state" varchar(10) not null default 'linked', "sent_version" int null, "snapshot" jsonb null, "conflict" jsonb null, "last_error" text null, "synced_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`alter table "customer_exact_links" add constraint "customer_exact_links_division_exact_id_unique" unique ("division", "exact_id");`);
    this.addSql(`alter table "customer_exact_links" add constraint "customer_exact_links_customer_id_division_unique" unique ("customer_id", "division");`);

    this.addSql(`alter table "locations" add "customer_send_moment" varchar(20) not null default 'first_invoice';`);

    this.addSql(`alter table "customers" add constraint "customers_location_id_foreign" foreign key ("location_id") references "locations" ("id") on delete set null;`);
    this.addSql(`alter table "customers" add constraint "customers_type_check" check ("type" in ('business', 'private'));`);

    this.addSql(`alter table "customer_exact_links" add constraint "customer_exact_links_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "customer_exact_links" drop constraint "customer_exact_links_customer_id_foreign";`);

    this.addSql(`drop table if exists "customer_exports" cascade;`);
    this.addSql(`drop table if exists "customer_settings" cascade;`);
    this.addSql(`drop table if exists "customers" cascade;`);
    this.addSql(`drop table if exists "customer_exact_links" cascade;`);

    this.addSql(`alter table "locations" drop column "customer_send_moment";`);
  }

}
