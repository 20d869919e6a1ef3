import { Migration } from '@mikro-orm/migrations';

/**
 * The planning board's indexes: the board polls the latest updated_at of the planning tables (a backward index walk
 * each, no scan), the unplanned list walks cards due first and probes for unplanned activities, and cards without
 * activities are found per resource and date.
 */
export class Migration20261202072500_PlanningBoard extends Migration {

  override name = 'Migration20261202072500_PlanningBoard';

  override up(): void | Promise<void> {
    this.addSql(`create index "plan_card_updated_at_index" on "plan_card" ("updated_at");`);
    this.addSql(`create index "plan_activity_updated_at_index" on "plan_activity" ("updated_at");`);
    this.addSql(`create index "plan_resource_updated_at_index" on "plan_resource" ("updated_at");`);
    this.addSql(`create index "resource_leave_updated_at_index" on "resource_leave" ("updated_at");`);
    this.addSql(`create index "resource_schedule_entry_updated_at_index" on "resource_schedule_entry" ("updated_at");`);
    this.addSql(`create index "plan_activity_unplanned_card_index" on "plan_activity" ("card_id") where "status" <> 'archived' and ("resource_id" is null or "planned_start" is null);`);
    this.addSql(`create index "plan_card_resource_id_planned_start_index" on "plan_card" ("resource_id", "planned_start") where "resource_id" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "plan_card_updated_at_index";`);
    this.addSql(`drop index "plan_activity_updated_at_index";`);
    this.addSql(`drop index "plan_resource_updated_at_index";`);
    this.addSql(`drop index "resource_leave_updated_at_index";`);
    this.addSql(`drop index "resource_schedule_entry_updated_at_index";`);
    this.addSql(`drop index "plan_activity_unplanned_card_index";`);
    this.addSql(`drop index "plan_card_resource_id_planned_start_index";`);
  }

}
