import { Migration } from '@mikro-orm/migrations';

export class Migration20261121225430_Initial extends Migration {

  override name = 'Migration20261121225430_Initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "locations" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(120) not null, "code" varchar(20) not null, "street" varchar(120) not null, "house_number" varchar(20) not null, "postcode" varchar(12) not null, "city" varchar(80) not null, "country" varchar(2) not null default 'NL', "vat_number" varchar(20) null, "exact_division" int null);`);
    this.addSql(`alter table "locations" add constraint "locations_code_unique" unique ("code");`);

    this.addSql(`create table "login_throttle" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, primary key ("key"));`);

    this.addSql(`create table "session" ("sid" varchar(255) not null, "sess" jsonb not null, "expire" timestamptz(6) not null, primary key ("sid"));`);
    this.addSql(`create index "IDX_session_expire" on "session" ("expire");`);

    this.addSql(`create table "users" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" varchar(254) not null, "name" varchar(120) not null, "password_hash" varchar(255) not null, "role" text not null, "language" varchar(2) not null default 'nl', "disabled" boolean not null default false, "last_login_at" timestamptz null);`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('admin', 'accountant', 'planner'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "locations" cascade;`);
    this.addSql(`drop table if exists "login_throttle" cascade;`);
    this.addSql(`drop table if exists "session" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
  }

}
