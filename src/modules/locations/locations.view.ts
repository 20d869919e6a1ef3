import type { Page } from '../../common/pagination.js';
import type { Location } from './location.entity.js';
import { COUNTRIES, LOCATION_FIELDS } from './location.form.js';

/** A row of the locations list (and the delete confirmation). */
export const locationRow = (l: Location) => ({ id: l.id, name: l.name, code: l.code, city: l.city, country: l.country, vatNumber: l.vatNumber, exactDivision: l.exactDivision });

export const locationsPage = (page: Page<Location>) => ({ ...page, items: page.items.map(locationRow) });

/** The form's values of a stored location. */
export const locationValues = (l: Location): Record<string, unknown> => Object.fromEntries(LOCATION_FIELDS.map((f) => [f, l[f]]));

export const formModel = (values: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  nav: 'settings',
  countries: COUNTRIES,
  values,
  ...extra,
});

/** The edit form's title, action and division of a stored location. */
export const editExtra = (l: Location) => ({ title: 'locations.editTitle', titleParams: { name: l.name }, action: `/settings/locations/${l.id}`, id: l.id, exactDivision: l.exactDivision });
