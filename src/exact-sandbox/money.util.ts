import { Decimal } from 'decimal.js';

/** Money helpers: decimals rounded to 2 places. */
export function money(n: number | string): number {
  return new Decimal(n).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

export function sum(values: number[]): number {
  return values.reduce((acc, v) => acc.plus(v), new Decimal(0)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

export function mul(a: number, b: number): number {
  return money(new Decimal(a).times(b).toString());
}
