import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { InvoiceSender } from './invoice-sender.entity.js';
import { checkLogo, InvoiceSenderForm, SENDER_FIELDS, type UploadedLogo } from './invoice-sender.form.js';
import { Location } from '../locations/location.entity.js';
import { NotFoundError, ValidationError, type FieldErrors } from '../../common/errors.js';
import { toFieldErrors } from '../../common/validation.js';
import type { InvoiceSenderResolved } from './invoice-sender.types.js';

const COMPANY = 'company';
const scopeOf = (locationId?: number) => (locationId ? `location-${locationId}` : COMPANY);

/** The sender printed on invoice PDFs: a company-wide default and per-location overrides (with the logo). */
@Injectable()
export class InvoiceSenderService {
  constructor(private readonly em: EntityManager) {}

  /** The stored sender of the company (no locationId) or of one location; a blank one when none is stored. */
  async get(locationId?: number): Promise<InvoiceSender> {
    if (locationId) await this.location(locationId);
    return (await this.em.findOne(InvoiceSender, { scope: scopeOf(locationId) })) ?? this.em.create(InvoiceSender, { scope: scopeOf(locationId) }, { persist: false });
  }

  async location(id: number): Promise<Location> {
    const loc = await this.em.findOne(Location, { id });
    if (!loc) throw new NotFoundError('Location');
    return loc;
  }

  /** Locations with whether each has its own sender (for the overview). */
  async overview(): Promise<{ locations: Location[]; own: Set<number> }> {
    const locations = await this.em.find(Location, {}, { orderBy: { name: 'asc' } });
    const rows = await this.em.find(InvoiceSender, { location: { $ne: null } }, { fields: ['location'] });
    return { locations, own: new Set(rows.map((r) => r.location!.id)) };
  }

  /** Validates and saves the form (and the uploaded logo); a 422 with field errors when anything is wrong. */
  async save(locationId: number | undefined, body: Record<string, unknown>, file?: UploadedLogo, uploadError?: string): Promise<InvoiceSender> {
    const location = locationId ? await this.location(locationId) : null;
    const parsed = InvoiceSenderForm.safeParse(body);
    const errors: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error);
    const logo = checkLogo(file, uploadError);
    if (logo.error) errors.logo = [logo.error];
    if (!parsed.success || Object.keys(errors).length) throw new ValidationError(errors);
    const v = parsed.data;
    const scope = scopeOf(locationId);
    const row = (await this.em.findOne(InvoiceSender, { scope }, { populate: ['logo'] })) ?? this.em.create(InvoiceSender, { scope, location });
    for (const f of SENDER_FIELDS) row[f] = (v[f] as string | undefined) ?? null;
    if (logo.type && file) {
      row.logo = Buffer.from(file.buffer);
      row.logoType = logo.type;
    } else if (v.removeLogo) {
      row.logo = null;
      row.logoType = null;
    }
    await this.em.flush();
    return row;
  }

  /** A location goes back to the company-wide sender. */
  async reset(locationId: number): Promise<Location> {
    const loc = await this.location(locationId);
    await this.em.nativeDelete(InvoiceSender, { scope: scopeOf(locationId) });
    return loc;
  }

  async logo(locationId?: number): Promise<{ bytes: Buffer; type: string }> {
    const row = await this.em.findOne(InvoiceSender, { scope: scopeOf(locationId) }, { populate: ['logo'] });
    if (!row?.logo || !row.logoType) throw new NotFoundError('Logo');
    return { bytes: Buffer.from(row.logo), type: row.logoType };
  }

  /**
   * What an invoice of the location prints as its sender: the location's own sender, field by field over the
   * company-wide one; the address as a whole (never a street from one and a city from the other); the location's
   * own name, address and VAT number when neither says anything.
   */
  async resolve(location: Location): Promise<InvoiceSenderResolved> {
    const rows = await this.em.find(InvoiceSender, { scope: { $in: [scopeOf(location.id), COMPANY] } }, { populate: ['logo'] });
    const own = rows.find((r) => r.scope !== COMPANY);
    const company = rows.find((r) => r.scope === COMPANY);
    const pick = <K extends keyof InvoiceSender>(k: K) => own?.[k] || company?.[k] || undefined;
    const addressFrom = own?.street ? own : company?.street ? company : undefined;
    const logoFrom = own?.logo ? own : company?.logo ? company : undefined;
    return {
      legalName: (pick('legalName') as string | undefined) ?? location.name,
      tradeName: location.name,
      street: addressFrom?.street ?? location.street,
      houseNumber: addressFrom?.houseNumber ?? location.houseNumber,
      postcode: addressFrom?.postcode ?? location.postcode,
      city: addressFrom?.city ?? location.city,
      country: addressFrom?.country ?? location.country,
      kvkNumber: pick('kvkNumber') as string | undefined,
      vatNumber: (pick('vatNumber') as string | undefined) ?? location.vatNumber ?? undefined,
      phone: pick('phone') as string | undefined,
      email: pick('email') as string | undefined,
      website: pick('website') as string | undefined,
      logoDataUri: logoFrom?.logo && logoFrom.logoType ? `data:${logoFrom.logoType};base64,${Buffer.from(logoFrom.logo).toString('base64')}` : undefined,
    };
  }
}
