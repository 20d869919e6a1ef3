import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Location } from './location.entity.js';
import { LocationForm, type LocationInput } from './location.form.js';
import { NotFoundError, ValidationError, type FieldErrors } from '../../common/errors.js';
import { flushUnique } from '../../common/unique.js';
import { toFieldErrors, firstFieldError } from '../../common/validation.js';
import { toPage, type ListQuery, type Page } from '../../common/pagination.js';

export const LOCATION_SORTS = ['name', 'code', 'city', 'createdAt'] as const;
export type LocationSort = (typeof LOCATION_SORTS)[number];

@Injectable()
export class LocationsService {
  constructor(private readonly em: EntityManager) {}

  async list(query: ListQuery<LocationSort>): Promise<Page<Location>> {
    const where: FilterQuery<Location> = query.q
      ? { $or: [{ name: { $ilike: `%${query.q}%` } }, { code: { $ilike: `%${query.q}%` } }, { city: { $ilike: `%${query.q}%` } }] }
      : {};
    const [items, total] = await this.em.findAndCount(Location, where, {
      orderBy: { [query.sort]: query.dir, id: 'asc' },
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    return toPage(items, total, query);
  }

  all(): Promise<Location[]> {
    return this.em.find(Location, {}, { orderBy: { name: 'asc' } });
  }

  count(): Promise<number> {
    return this.em.count(Location, {});
  }

  async get(id: number): Promise<Location> {
    const loc = await this.em.findOne(Location, { id });
    if (!loc) throw new NotFoundError('Location');
    return loc;
  }

  /** Validates a form, including the uniqueness of the code; returns the clean input. */
  async validate(body: unknown, exceptId?: number): Promise<LocationInput> {
    const parsed = LocationForm.safeParse(body ?? {});
    const errors: FieldErrors = parsed.success ? {} : toFieldErrors(parsed.error);
    const code = parsed.success ? parsed.data.code : String((body as Record<string, unknown>)?.code ?? '').trim().toUpperCase();
    if (code && !errors.code && (await this.codeTaken(code, exceptId))) errors.code = ['validation.taken'];
    if (Object.keys(errors).length || !parsed.success) throw new ValidationError(errors);
    return parsed.data;
  }

  /** Field errors for one field (inline validation while typing). */
  async validateField(body: Record<string, unknown>, field: string, exceptId?: number): Promise<string | undefined> {
    return firstFieldError(() => this.validate(body, exceptId), field);
  }

  private async codeTaken(code: string, exceptId?: number): Promise<boolean> {
    return (await this.em.count(Location, { code, ...(exceptId ? { id: { $ne: exceptId } } : {}) })) > 0;
  }

  async create(body: unknown): Promise<Location> {
    const input = await this.validate(body);
    const loc = this.em.create(Location, { ...input, vatNumber: input.vatNumber ?? undefined });
    await flushUnique(this.em, 'code'); // a concurrent insert of the same code ends as a field error
    return loc;
  }

  async update(id: number, body: unknown): Promise<Location> {
    const loc = await this.get(id);
    const input = await this.validate(body, id);
    this.em.assign(loc, { ...input, vatNumber: input.vatNumber ?? null });
    await flushUnique(this.em, 'code'); // a concurrent insert of the same code ends as a field error
    return loc;
  }

  /** The Exact administration and sales journals of a location (checked by the ledgers module, which owns journals). */
  async setExactAdministration(id: number, values: { exactDivision: number | null; salesJournalCode: string | null; creditJournalCode: string | null }): Promise<Location> {
    const loc = await this.get(id);
    this.em.assign(loc, values);
    await this.em.flush();
    return loc;
  }

  async remove(id: number): Promise<Location> {
    const loc = await this.get(id);
    this.em.remove(loc);
    await this.em.flush();
    return loc;
  }
}
