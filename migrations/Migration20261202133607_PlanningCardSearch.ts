import { Migration } from '@mikro-orm/migrations';

/**
 * Planning → Cards search at 100 000 cards: number, description, relation and warehouse code as one text with a
 * trigram index, so '%…%' is an index look-up instead of a pass over every card. pg_trgm is a trusted contrib
 * extension (PostgreSQL 13+: the database owner may create it); the extension line is the one addition to the
 * generated migration.
 */
export class Migration20261202133607_PlanningCardSearch extends Migration {

  override name = 'Migration20261202133607_PlanningCardSearch';

  override up(): void | Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "plan_card_search_trgm_index" on "plan_card" using gin (((coalesce(number, '') || ' ' || coalesce(description, '') || ' ' || coalesce(relation_name, '') || ' ' || coalesce(warehouse_code, ''))) gin_trgm_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "plan_card_search_trgm_index";`);
  }

}
