import { Migration } from '@mikro-orm/migrations';

/**
 * The board's planned activities per resource and period: with the end date in the index, the activities that end
 * before the period are passed over in the index (not read from the table one by one and thrown away).
 */
export class Migration20261202081500_PlanningBoardSpeed extends Migration {

  override name = 'Migration20261202081500_PlanningBoardSpeed';

  override up(): void | Promise<void> {
    this.addSql(`create index "plan_activity_board_index" on "plan_activity" ("resource_id", "planned_start", "planned_end") where "resource_id" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "plan_activity_board_index";`);
  }

}
