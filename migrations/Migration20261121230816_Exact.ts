import { Migration } from '@mikro-orm/migrations';

export class Migration20261121230816_Exact extends Migration {

  override name = 'Migration20261121230816_Exact';

  override up(): void | Promise<void> {
    this.addSql(`create table "exact_api_call" ("id" bigserial primary key, "at" timestamptz not null, "method" varchar(8) not null, "endpoint" varchar(120) not null, "url" text not null, "division" int null, "status" int null, "duration_ms" int not null, "minutely_remaining" int null, "daily_remaining" int null, "kind" varchar(12) not null, "error" text null);`);
    this.addSql(`create index "exact_api_call_division_endpoint_at_index" on "exact_api_call" ("division", "endpoint", "at");`);
    this.addSql(`create index "exact_api_call_at_index" on "exact_api_call" ("at");`);

    this.addSql(`create table "exact_connection" ("id" int not null default 1, "status" varchar(20) not null default 'disconnected', "exact_user_id" varchar(64) null, "user_name" varchar(200) null, "full_name" varchar(200) null, "access_token_sealed" text null, "access_token_issued_at" timestamptz null, "access_token_expires_at" timestamptz null, "refresh_token_sealed" text null, "refresh_token_issued_at" timestamptz null, "refresh_count" int not null default 0, "all_divisions" boolean not null default false, "connected_at" timestamptz null, "last_error" text null, "last_error_at" timestamptz null, "updated_at" timestamptz not null default now(), primary key ("id"));`);

    this.addSql(`create table "exact_division" ("code" int not null, "description" varchar(200) not null, "hid" varchar(30) null, "country" varchar(3) null, "currency" varchar(3) null, "active" boolean not null default true, "last_error" text null, "updated_at" timestamptz not null default now(), primary key ("code"));`);

    this.addSql(`create table "exact_rate_limit" ("division" int not null, "minutely_limit" int not null default 60, "minutely_remaining" int not null default 60, "minutely_reset" bigint not null default '0', "daily_limit" int not null default 5000, "daily_remaining" int not null default 5000, "daily_reset" bigint not null default '0', "updated_at" timestamptz not null default now(), primary key ("division"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "exact_api_call" cascade;`);
    this.addSql(`drop table if exists "exact_connection" cascade;`);
    this.addSql(`drop table if exists "exact_division" cascade;`);
    this.addSql(`drop table if exists "exact_rate_limit" cascade;`);
  }

}
