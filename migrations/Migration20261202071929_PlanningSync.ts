import { Migration } from '@mikro-orm/migrations';

export class Migration20261202071929_PlanningSync extends Migration {

  override name = 'Migration20261202071929_PlanningSync';

  override up(): void | Promise<void> {
    this.addSql(`alter table "planning_settings" add "rights" jsonb null, add "rights_checked_at" timestamptz null, add "pending" jsonb not null default '{}', add "move_checked_at" timestamptz null;`);

    this.addSql(`create index "plan_card_status_number_sort_index" on "plan_card" ("status", (coalesce("number", '')), "id");`);
    this.addSql(`create index "plan_card_status_kind_due_sort_index" on "plan_card" ("status", "kind", (coalesce("due_date", '9999-12-31'::date)), "id");`);
    this.addSql(`create index "plan_card_status_due_sort_index" on "plan_card" ("status", (coalesce("due_date", '9999-12-31'::date)), "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "plan_card_status_number_sort_index";`);
    this.addSql(`drop index "plan_card_status_kind_due_sort_index";`);
    this.addSql(`drop index "plan_card_status_due_sort_index";`);

    this.addSql(`alter table "planning_settings" drop column "rights", drop column "rights_checked_at", drop column "pending", drop column "move_checked_at";`);
  }

}
