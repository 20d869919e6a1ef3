import { Decimal } from 'decimal.js';

/** Exact money: decimal arithmetic, rounded half-up to cents (never binary floats). */
export const money = (v: Decimal.Value) => new Decimal(v).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

export interface CalcLineInput {
  description: string;
  quantity: Decimal.Value;
  unitPrice: Decimal.Value;
  /** Percentage, e.g. 10 for 10 %. */
  discountPercent?: Decimal.Value | null;
  /** Percentage, e.g. 21. */
  vatPercentage: Decimal.Value;
  /** Identifies the VAT rate (for the summary and the Exact VAT code). */
  vatRateId: number | string;
}

export interface CalcLine {
  description: string;
  kind: 'item' | 'discount';
  quantity: Decimal;
  unitPrice: Decimal;
  /** Amount excluding VAT, rounded to cents. */
  net: Decimal;
  vatPercentage: Decimal;
  vat: Decimal;
  vatRateId: number | string;
  /** Index of the input line this came from (a discount line points at its item line). */
  source: number;
}

export interface VatSummaryRow {
  vatRateId: number | string;
  percentage: Decimal;
  base: Decimal;
  vat: Decimal;
}

export interface InvoiceTotals {
  lines: CalcLine[];
  vatSummary: VatSummaryRow[];
  net: Decimal;
  vat: Decimal;
  gross: Decimal;
}

/**
 * Lines, VAT per rate and totals. A discount becomes its own line (negative, same VAT rate), so what
 * the customer sees is what Exact books. VAT is computed per rate on the rate's total base and rounded
 * half-up to cents (the amount the invoice prints and the tax authority expects); each line's VAT is its own
 * rounded share, and the cent(s) the per-line rounding differs from the rate total go to the largest lines, so
 * the lines (sent to Exact as VATAmountFC) always add up to the printed total per rate.
 * A credit note is passed with negative quantities (or prices) and comes out negative throughout.
 */
export function calculate(inputs: CalcLineInput[]): InvoiceTotals {
  const lines: CalcLine[] = [];
  inputs.forEach((l, i) => {
    const quantity = new Decimal(l.quantity);
    const unitPrice = new Decimal(l.unitPrice);
    const pct = new Decimal(l.vatPercentage);
    const net = money(quantity.times(unitPrice));
    const vat = (n: Decimal) => money(n.times(pct).dividedBy(100));
    lines.push({ description: l.description, kind: 'item', quantity, unitPrice, net, vatPercentage: pct, vat: vat(net), vatRateId: l.vatRateId, source: i });
    const discount = new Decimal(l.discountPercent ?? 0);
    if (!discount.isZero()) {
      const dNet = money(net.times(discount).dividedBy(100)).negated();
      lines.push({ description: `${discount.toString()}%`, kind: 'discount', quantity: new Decimal(1), unitPrice: dNet, net: dNet, vatPercentage: pct, vat: vat(dNet), vatRateId: l.vatRateId, source: i });
    }
  });
  const byRate = new Map<string, VatSummaryRow & { lines: CalcLine[] }>();
  for (const l of lines) {
    const key = String(l.vatRateId);
    const row = byRate.get(key) ?? { vatRateId: l.vatRateId, percentage: l.vatPercentage, base: new Decimal(0), vat: new Decimal(0), lines: [] };
    row.base = row.base.plus(l.net);
    row.lines.push(l);
    byRate.set(key, row);
  }
  for (const row of byRate.values()) {
    row.vat = money(row.base.times(row.percentage).dividedBy(100));
    spreadDifference(row.lines, row.vat);
  }
  const vatSummary = [...byRate.values()].map(({ lines: _lines, ...row }) => row).sort((a, b) => b.percentage.comparedTo(a.percentage));
  const net = lines.reduce((s, l) => s.plus(l.net), new Decimal(0));
  const vat = lines.reduce((s, l) => s.plus(l.vat), new Decimal(0));
  return { lines, vatSummary, net, vat, gross: net.plus(vat) };
}

/** Moves the cents by which the lines' own rounded VAT differs from the rate's total onto the largest lines (a cent each). */
function spreadDifference(lines: CalcLine[], total: Decimal): void {
  const sum = lines.reduce((s, l) => s.plus(l.vat), new Decimal(0));
  let cents = total.minus(sum).times(100).toNumber();
  if (cents === 0) return;
  const step = new Decimal(cents > 0 ? '0.01' : '-0.01');
  const order = lines.map((l, i) => ({ l, i })).sort((a, b) => b.l.net.abs().comparedTo(a.l.net.abs()) || a.i - b.i);
  for (let k = 0; cents !== 0; k = (k + 1) % order.length) {
    order[k].l.vat = order[k].l.vat.plus(step);
    cents += cents > 0 ? -1 : 1;
  }
}

/** A Dutch-style structured payment reference is not required; we use "<location code>-<number>". */
export function paymentReference(locationCode: string, number: string): string {
  return `${locationCode}-${number}`.toUpperCase();
}
