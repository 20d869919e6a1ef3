import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from './errors.js';
import { toInt } from './validation.js';

/**
 * A record id in a URL: a positive PostgreSQL integer (`toInt`), else 404. Unlike Nest's ParseIntPipe it never
 * passes on a number beyond the column's range (`/customers/99999999999` reached SQL and answered 500).
 */
@Injectable()
export class IdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    const id = toInt(value);
    if (id === undefined) throw new NotFoundError('record');
    return id;
  }
}
