import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { parseListQuery } from '../../common/pagination.js';
import { toInt } from '../../common/validation.js';
import { FormOnceService } from '../../common/form-once.js';
import type { CurrentUser } from '../auth/current-user.js';
import { EXACT_CHANGES_POLICIES } from './customer.entity.js';
import { CustomersService, CUSTOMER_SORTS } from './customers.service.js';
import { CustomerExportService } from './customer-export.service.js';
import { CustomerPageRegistry } from './customers.types.js';
import { customerRow, customerValues, customerView, formModel, linkView, locationOption, settingsView } from './customers.view.js';

/** The reads behind the customer screens, each returned as a view model (customers.view.ts). */
@Injectable()
export class CustomerPagesService {
  constructor(
    private readonly customers: CustomersService,
    private readonly exporter: CustomerExportService,
    private readonly forms: FormOnceService,
    private readonly registry: CustomerPageRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listPage(raw: Record<string, unknown>, user: CurrentUser | undefined) {
    const query = parseListQuery(raw, CUSTOMER_SORTS, { sort: 'name' });
    const locationId = toInt(raw.location);
    const page = await this.customers.list(query, { locationId });
    const locations = await this.customers.locations();
    const role = user?.role;
    return {
      title: 'customers.title',
      nav: 'customers',
      page: { ...page, items: page.items.map(customerRow) },
      locations: locations.map(locationOption),
      canExport: role === 'admin' || role === 'accountant',
      isAdmin: role === 'admin',
      query: { ...query, size: query.pageSize, location: locationId },
    };
  }

  /** A new customer: the chosen location, else the first that books into Exact, else the first. */
  async newForm(location: unknown) {
    const locations = await this.customers.locations();
    const locationId = toInt(location) ?? locations.find((l) => l.exactDivision)?.id ?? locations[0]?.id;
    return formModel(locations, { type: 'business', country: 'NL', locationId }, { title: 'customers.new', action: '/customers', isNew: true, formToken: this.forms.token() });
  }

  /** The new-customer form again with what was typed (422): field errors, or the customer it duplicates. */
  async newFormRefused(body: Record<string, unknown>, refusal: { errors?: unknown; duplicate?: unknown }) {
    return formModel(await this.customers.locations(), body, { title: 'customers.new', action: '/customers', isNew: true, formToken: this.forms.token(body._form), ...refusal });
  }

  async editForm(id: number, typed?: { values: Record<string, unknown>; errors: unknown }) {
    const c = await this.customers.get(id);
    const extra = { title: 'customers.editTitle', titleParams: { name: c.name }, action: `/customers/${id}`, id, ...(typed ? { errors: typed.errors } : {}) };
    return formModel(await this.customers.locations(), typed?.values ?? customerValues(c), extra);
  }

  /** The detail page, with what other modules registered for it (CustomerPageRegistry). */
  async detail(id: number, user: CurrentUser | undefined) {
    const customer = await this.customers.get(id);
    const [links, extra] = await Promise.all([this.customers.links(id), this.registry.detailValues(id, user)]);
    const mergedInto = customer.mergedIntoId ? await this.customers.get(customer.mergedIntoId).catch(() => undefined) : undefined;
    const division = customer.location?.exactDivision;
    return {
      title: 'customers.showTitle',
      titleParams: { name: customer.name },
      nav: 'customers',
      customer: customerView(customer),
      mergedInto: mergedInto ? { id: mergedInto.id, name: mergedInto.name, number: mergedInto.number } : undefined,
      division,
      hasLinkForDivision: links.some((l) => l.division === division && l.exactId),
      problems: this.exporter.localProblems(customer),
      links: links.map((l) => linkView(l, this.config.exact.baseUrl)),
      ...extra,
    };
  }

  async settingsPage() {
    const settings = await this.customers.settings();
    const locations = await this.customers.locations();
    return { title: 'customers.settings.title', nav: 'customers', settings: settingsView(settings), locations: locations.map(locationOption), policies: EXACT_CHANGES_POLICIES };
  }
}
