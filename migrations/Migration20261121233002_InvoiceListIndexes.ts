import { Migration } from '@mikro-orm/migrations';

export class Migration20261121233002_InvoiceListIndexes extends Migration {

  override name = 'Migration20261121233002_InvoiceListIndexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "invoice_number_sort_index" on "invoice" ((coalesce("number", 0)), "id");`);
    this.addSql(`create index "invoice_gross_id_index" on "invoice" ("gross", "id");`);
    this.addSql(`create index "invoice_status_id_index" on "invoice" ("status", "id");`);
    this.addSql(`create index "invoice_status_invoice_date_id_index" on "invoice" ("status", "invoice_date", "id");`);
    this.addSql(`create index "invoice_location_id_invoice_date_id_index" on "invoice" ("location_id", "invoice_date", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "invoice_number_sort_index";`);
    this.addSql(`drop index "invoice_gross_id_index";`);
    this.addSql(`drop index "invoice_status_id_index";`);
    this.addSql(`drop index "invoice_status_invoice_date_id_index";`);
    this.addSql(`drop index "invoice_location_id_invoice_date_id_index";`);
  }

}
