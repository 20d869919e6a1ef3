import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Product, ProductGroup } from './product.entity.js';
import { ProductForm, ProductGroupForm } from './products.form.js';
import { Location } from '../locations/location.entity.js';
import { GlAccount } from '../ledgers/gl-account.entity.js';
import { VatRate } from '../ledgers/vat.entity.js';
import { CostCenter, CostUnit } from '../ledgers/cost-center.entity.js';
import { LedgerSettingsService } from '../ledgers/ledger-settings.service.js';
import { NotFoundError, ValidationError } from '../../common/errors.js';
import { flushUnique } from '../../common/unique.js';
import { parseForm } from '../../common/validation.js';

/** Options for the selects of the invoice, product, group and location-invoicing forms. */
export interface Choices {
  vatRates: { id: number; name: string; percentage: string }[];
  glAccounts: { id: number; number: string; name: string }[];
  costCenters: { id: number; code: string; description: string }[];
  costUnits: { id: number; code: string; description: string }[];
  groups: { id: number; name: string }[];
  products: { id: number; code: string; name: string }[];
  locations: { id: number; name: string; code: string }[];
  /** Cost centre/unit fields are shown on invoice lines only when the ledger setting says so. */
  lineCostDimensions: boolean;
  costDimensionsEnabled: boolean;
}

/** Products and product groups (defaults for invoice lines), and the options of the invoicing forms' selects. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly em: EntityManager,
    private readonly ledgerSettings: LedgerSettingsService,
  ) {}

  async choices(): Promise<Choices> {
    const [vatRates, glAccounts, costCenters, costUnits, groups, products, locations, settings] = await Promise.all([
      this.em.fork().find(VatRate, { active: true }, { orderBy: { sortOrder: 'asc', id: 'asc' } }),
      this.em.fork().find(GlAccount, {}, { orderBy: { number: 'asc' } }),
      this.em.fork().find(CostCenter, { active: true }, { orderBy: { code: 'asc' } }),
      this.em.fork().find(CostUnit, { active: true }, { orderBy: { code: 'asc' } }),
      this.em.fork().find(ProductGroup, {}, { orderBy: { name: 'asc' } }),
      this.em.fork().find(Product, { active: true }, { orderBy: { code: 'asc' } }),
      this.em.fork().find(Location, {}, { orderBy: { name: 'asc' } }),
      this.ledgerSettings.get(),
    ]);
    return {
      vatRates: vatRates.map((v) => ({ id: v.id, name: v.name, percentage: v.percentage })),
      glAccounts: glAccounts.map((g) => ({ id: g.id, number: g.number, name: g.name })),
      costCenters: costCenters.map((c) => ({ id: c.id, code: c.code, description: c.description })),
      costUnits: costUnits.map((c) => ({ id: c.id, code: c.code, description: c.description })),
      groups: groups.map((g) => ({ id: g.id, name: g.name })),
      products: products.map((p) => ({ id: p.id, code: p.code, name: p.name })),
      locations: locations.map((l) => ({ id: l.id, name: l.name, code: l.code })),
      lineCostDimensions: settings.invoiceLinesCarryCostDimensions,
      costDimensionsEnabled: settings.costDimensionsEnabled || settings.invoiceLinesCarryCostDimensions,
    };
  }

  // ---------------------------------------------------------------- products

  listProducts(q?: string, includeInactive = true): Promise<Product[]> {
    const where: FilterQuery<Product> = includeInactive ? {} : { active: true };
    if (q) where.$or = [{ code: { $ilike: `%${q}%` } }, { name: { $ilike: `%${q}%` } }];
    return this.em.find(Product, where, { populate: ['group', 'vatRate', 'glAccount', 'costCenter', 'costUnit'], orderBy: { code: 'asc' }, limit: 500 });
  }

  async product(id: number): Promise<Product> {
    const p = await this.em.findOne(Product, { id }, { populate: ['group', 'vatRate', 'glAccount', 'costCenter', 'costUnit', 'group.glAccount', 'group.costCenter', 'group.costUnit'] });
    if (!p) throw new NotFoundError('Product');
    return p;
  }

  async createProduct(body: unknown): Promise<Product> {
    const v = parseForm(ProductForm, body);
    await this.checkRefs(v);
    const p = this.em.create(Product, { code: v.code, name: v.name, active: v.active });
    this.assignProduct(p, v);
    await flushUnique(this.em, 'code');
    return p;
  }

  async updateProduct(id: number, body: unknown): Promise<Product> {
    const p = await this.product(id);
    const v = parseForm(ProductForm, body);
    await this.checkRefs(v);
    p.code = v.code;
    p.name = v.name;
    p.active = v.active;
    this.assignProduct(p, v);
    await flushUnique(this.em, 'code');
    return p;
  }

  private assignProduct(p: Product, v: ReturnType<typeof ProductForm.parse>): void {
    p.unitPrice = v.unitPrice ?? null;
    p.vatRate = v.vatRateId ? this.em.getReference(VatRate, v.vatRateId) : null;
    p.group = v.groupId ? this.em.getReference(ProductGroup, v.groupId) : null;
    p.glAccount = v.glAccountId ? this.em.getReference(GlAccount, v.glAccountId) : null;
    p.costCenter = v.costCenterId ? this.em.getReference(CostCenter, v.costCenterId) : null;
    p.costUnit = v.costUnitId ? this.em.getReference(CostUnit, v.costUnitId) : null;
  }

  // ---------------------------------------------------------------- product groups

  listGroups(): Promise<ProductGroup[]> {
    return this.em.find(ProductGroup, {}, { populate: ['glAccount', 'costCenter', 'costUnit'], orderBy: { name: 'asc' } });
  }

  async group(id: number): Promise<ProductGroup> {
    const g = await this.em.findOne(ProductGroup, { id }, { populate: ['glAccount', 'costCenter', 'costUnit'] });
    if (!g) throw new NotFoundError('Product group');
    return g;
  }

  async createGroup(body: unknown): Promise<ProductGroup> {
    const v = parseForm(ProductGroupForm, body);
    await this.checkRefs(v);
    const g = this.em.create(ProductGroup, { name: v.name });
    this.assignGroup(g, v);
    await flushUnique(this.em, 'name');
    return g;
  }

  async updateGroup(id: number, body: unknown): Promise<ProductGroup> {
    const g = await this.group(id);
    const v = parseForm(ProductGroupForm, body);
    await this.checkRefs(v);
    g.name = v.name;
    this.assignGroup(g, v);
    await flushUnique(this.em, 'name');
    return g;
  }

  private assignGroup(g: ProductGroup, v: ReturnType<typeof ProductGroupForm.parse>): void {
    g.glAccount = v.glAccountId ? this.em.getReference(GlAccount, v.glAccountId) : null;
    g.costCenter = v.costCenterId ? this.em.getReference(CostCenter, v.costCenterId) : null;
    g.costUnit = v.costUnitId ? this.em.getReference(CostUnit, v.costUnitId) : null;
  }

  /** Referenced rows must exist (a select can be tampered with, or the row deleted meanwhile). */
  async checkRefs(v: { vatRateId?: number; groupId?: number; glAccountId?: number; costCenterId?: number; costUnitId?: number }): Promise<void> {
    const errors: Record<string, string[]> = {};
    const check = async (field: string, entity: typeof VatRate | typeof ProductGroup | typeof GlAccount | typeof CostCenter | typeof CostUnit, id?: number) => {
      if (id && !(await this.em.count(entity as typeof GlAccount, { id }))) errors[field] = ['validation.required'];
    };
    await check('vatRateId', VatRate, v.vatRateId);
    await check('groupId', ProductGroup, v.groupId);
    await check('glAccountId', GlAccount, v.glAccountId);
    await check('costCenterId', CostCenter, v.costCenterId);
    await check('costUnitId', CostUnit, v.costUnitId);
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }
}
