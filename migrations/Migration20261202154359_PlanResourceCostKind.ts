import { Migration } from '@mikro-orm/migrations';

export class Migration20261202154359_PlanResourceCostKind extends Migration {

  override name = 'Migration20261202154359_PlanResourceCostKind';

  override up(): void | Promise<void> {
    this.addSql(`alter table "plan_resource" add "cost_kind" varchar(6) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "plan_resource" drop column "cost_kind";`);
  }

}
