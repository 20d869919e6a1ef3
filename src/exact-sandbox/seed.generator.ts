import type { SandboxClock } from './clock.util.js';
import { EntityContext, type Registry } from './entity.context.js';
import { createEntity } from './entity.engine.js';
import { addFinancialYear, createCashEntry, findGlByCode } from './finance.logic.js';
import { money } from './money.util.js';
import { Prng, padCode } from './prng.util.js';
import {
  BE_BUSINESS, BE_CITIES, BE_LEGAL, BE_SURNAMES, COST_CATEGORIES, DIVISION_SEEDS, FIRST_NAMES, GL_BALANCE, ITEM_SEEDS, JOURNAL_SEEDS,
  NL_BUSINESS, NL_CITIES, NL_LEGAL, NL_SURNAMES, REVENUE_NAMES, VAT_BE, VAT_NL, type DivisionSeed,
} from './seed.data.js';
import { seedPlanning } from './planning/planning.seed.js';
import { DivisionData, type SandboxState } from './state.store.js';
import type { Row } from './sandbox.types.js';

/** Deterministic seed data (same seed → same keys, codes, names, amounts). */

export interface SeedOptions {
  seed: number;
  volume: number;
}

function seedContext(state: SandboxState, registry: Registry, clock: SandboxClock, code: number, prng: Prng): EntityContext {
  return new EntityContext(state, registry, clock, code, () => undefined, null, () => prng.guid());
}

export function seedAll(state: SandboxState, registry: Registry, clock: SandboxClock, opts: SeedOptions): void {
  state.seed = opts.seed;
  state.volume = opts.volume;
  state.divisions.clear();
  state.data.clear();
  DIVISION_SEEDS.forEach((d, i) => {
    const prng = new Prng(opts.seed * 1000 + i + 1);
    seedDivision(state, registry, clock, d, prng, i === 0 ? opts.volume : 0);
  });
}

export function divisionInfoRow(d: DivisionSeed, prng: Prng, now: number): Row {
  return {
    Code: d.code, Description: d.description, Hid: d.code - 1_000_000 + 100, Current: false, Country: d.country, Currency: 'EUR',
    Legislation: d.country === 'NL' ? '1' : '2', VATNumber: d.vat, ChamberOfCommerceNumber: d.coc, AddressLine1: d.address, Postcode: d.postcode,
    City: d.city, Email: `info@${d.description.split(' ')[0].toLowerCase()}.example`, Phone: d.country === 'NL' ? '030-1234567' : '+32 3 123 45 67',
    Website: null, Status: 1, BlockingStatus: 0, DivisionMoveDate: null, DivisionHRLinkUnlinkDate: null, IsMainDivision: d.code === DIVISION_SEEDS[0].code,
    IsPracticeDivision: false, IsDossierDivision: false, IsHRDivision: false, StartDate: Date.UTC(2019, 0, 1), ArchiveDate: null,
    Customer: prng.guid(), CustomerCode: padCode(d.code % 10000), CustomerName: d.description, Created: now, Modified: now,
  };
}

export function seedDivision(state: SandboxState, registry: Registry, clock: SandboxClock, d: DivisionSeed, prng: Prng, volume: number): void {
  state.divisions.set(d.code, divisionInfoRow(d, prng, clock.now()));
  state.data.set(d.code, new DivisionData(d.code, 100_000 + prng.int(0, 50_000)));
  const ctx = seedContext(state, registry, clock, d.code, prng);
  seedFinancialYears(ctx);
  seedVat(ctx, d.country === 'NL' ? VAT_NL : VAT_BE);
  seedGl(ctx);
  seedJournals(ctx);
  seedCosts(ctx);
  seedDocumentTypes(ctx);
  seedItems(ctx);
  const customers = seedCustomers(ctx, d, prng, d.customers);
  seedEntries(ctx, prng, customers);
  if (volume > 0) seedVolume(ctx, prng, customers, volume);
  seedPlanning(state, registry, clock, d.code, state.seed);
}

/** Periods of the current and previous year; their keys come from their own generator so the other seeded keys stay as they were. */
export function seedFinancialYears(ctx: EntityContext): void {
  const year = new Date(ctx.now()).getUTCFullYear();
  const ids = new Prng(ctx.division * 31 + year);
  for (const y of [year - 1, year]) if (!ctx.find('FinancialPeriods', (p) => p.FinYear === y)) addFinancialYear(ctx, y, () => ids.guid());
}

function seedVat(ctx: EntityContext, list: typeof VAT_NL): void {
  for (const [code, description, pct, type, charged, tt] of list) {
    ctx.insert('VATCodes', { Code: code.padEnd(3, ' '), Description: description, Percentage: pct, Type: type, Charged: charged, VATTransactionType: tt,
      EUSalesListing: charged ? 'S' : 'N', IsBlocked: false }, false);
  }
}

function glRow(code: string, description: string, type: number, opts: { blocked?: boolean; vat?: string } = {}): Row {
  const pl = type >= 100 && type !== 100;
  return { Code: code, Description: description, Type: type, BalanceType: pl ? 'W' : 'B', BalanceSide: [110, 140, 160, 22, 24, 50, 52, 55, 35].includes(type) ? 'C' : 'D',
    IsBlocked: opts.blocked ?? false, VATCode: opts.vat ?? null, UseCostcenter: 0, UseCostunit: 0, Matching: type === 20 || type === 22 || code === '1200' };
}

function seedGl(ctx: EntityContext): void {
  for (const [code, description, type, opts] of [...GL_BALANCE]) ctx.insert('GLAccounts', glRow(code, description, type, opts), false);
  COST_CATEGORIES.forEach(([name, type], i) => {
    for (let k = 0; k < 5; k++) {
      const code = String(4000 + i * 25 + k * 5);
      ctx.insert('GLAccounts', glRow(code, k === 0 ? name : `${name} ${['algemeen', 'project', 'service', 'overig'][k - 1]}`, type), false);
    }
  });
  for (let n = 0; n < 100; n++) {
    const base = REVENUE_NAMES[Math.floor(n / 10)];
    const desc = n % 10 === 0 ? base : `${base} ${n % 10}`;
    const blocked = n >= 90 || n === 15;
    const vat = base === 'Omzet verlegd' ? '5  ' : base === 'Omzet export' || base === 'Omzet EU' ? '0  ' : '2  ';
    ctx.insert('GLAccounts', glRow(String(8000 + n), blocked ? `${desc} (vervallen)` : desc, 110, { blocked, vat }), false);
  }
  for (let n = 0; n < 60; n++) ctx.insert('GLAccounts', glRow(String(7000 + n * 10), n === 0 ? 'Inkoopwaarde omzet' : `Inkoopwaarde groep ${n}`, 111), false);
  ['Rentebaten', 'Rentelasten', 'Buitengewone baten', 'Buitengewone lasten', 'Vennootschapsbelasting'].forEach((name, i) =>
    ctx.insert('GLAccounts', glRow(String(9000 + i * 10), name, [160, 121, 140, 130, 150][i]), false));
}

function seedJournals(ctx: EntityContext): void {
  for (const [code, description, type, gl, blocked] of JOURNAL_SEEDS) {
    const g = gl ? findGlByCode(ctx, gl) : undefined;
    ctx.insert('Journals', { Code: code, Description: description, Type: type, GLAccount: g?.ID ?? null, GLAccountCode: g?.Code ?? null,
      GLAccountDescription: g?.Description ?? null, GLAccountType: g?.Type ?? null, Currency: 'EUR', IsBlocked: blocked ?? false, AllowVAT: true,
      BankAccountIBAN: type === 12 ? `NL${String(10 + Number(code))}INGB000${code}12345` : null }, false);
  }
}

function seedCosts(ctx: EntityContext): void {
  [['100', 'Directie'], ['200', 'Verkoop'], ['300', 'Productie'], ['400', 'Service & onderhoud'], ['500', 'Administratie'], ['600', 'Projecten']]
    .forEach(([Code, Description]) => ctx.insert('Costcenters', { Code, Description, Active: true }, false));
  [['P01', 'Nieuwbouw'], ['P02', 'Renovatie'], ['P03', 'Onderhoudscontracten'], ['P04', 'Duurzaamheid'], ['P05', 'Advies']]
    .forEach(([Code, Description]) => ctx.insert('Costunits', { Code, Description, Active: true }, false));
}

function seedDocumentTypes(ctx: EntityContext): void {
  [[10, 'Verkoopfactuur', 1], [20, 'Inkoopfactuur', 1], [55, 'Overige', 2], [183, 'Bijlage', 2], [40, 'Bankafschrift', 1]].forEach(([ID, Description, cat]) =>
    ctx.insert('DocumentTypes', { ID, Description, TypeCategory: cat, DocumentIsCreatable: true, DocumentIsUpdatable: true, DocumentIsDeletable: true, DocumentIsViewable: true }, false));
}

function seedItems(ctx: EntityContext): void {
  const revenue = findGlByCode(ctx, '8000');
  for (const [code, description, unit, isTime, price] of ITEM_SEEDS) {
    ctx.insert('Items', { Code: code, Description: description, Unit: unit, UnitDescription: unit, UnitType: isTime ? 'T' : 'O', IsTime: isTime,
      IsSalesItem: true, IsPurchaseItem: !isTime, IsStockItem: !isTime && price > 100, IsFractionAllowedItem: unit !== 'stuk', SalesVatCode: '2  ',
      GLRevenue: isTime ? revenue?.ID : findGlByCode(ctx, '8010')?.ID, StandardSalesPrice: price, CostPriceStandard: money(price * 0.6), Stock: 0 }, false);
  }
}

function customerName(prng: Prng, country: 'NL' | 'BE'): string {
  const [biz, sur, legal] = country === 'NL' ? [NL_BUSINESS, NL_SURNAMES, NL_LEGAL] : [BE_BUSINESS, BE_SURNAMES, BE_LEGAL];
  const s = prng.pick(sur);
  return `${prng.pick(biz)} ${s.charAt(0).toUpperCase()}${s.slice(1)} ${prng.pick(legal)}`.trim();
}

function seedCustomers(ctx: EntityContext, d: DivisionSeed, prng: Prng, count: number): Row[] {
  const out: Row[] = [];
  const cities = d.country === 'NL' ? NL_CITIES : BE_CITIES;
  for (let i = 1; i <= count; i++) out.push(seedCustomer(ctx, d.country, prng, cities, i));
  return out;
}

function seedCustomer(ctx: EntityContext, country: 'NL' | 'BE', prng: Prng, cities: typeof NL_CITIES, i: number): Row {
  const [city, pc, street] = prng.pick(cities);
  const name = customerName(prng, country);
  const digits = String(prng.int(100_000_000, 999_999_999));
  const acc = ctx.insert('Accounts', {
    Code: padCode(1000 + i), Name: name, SearchCode: name.slice(0, 10).toUpperCase(), Status: 'C', IsSales: true, IsSupplier: prng.bool(0.1),
    Blocked: i % 97 === 0, Type: 'A', AddressLine1: `${street} ${prng.int(1, 250)}`, Postcode: country === 'NL' ? `${pc} ${String.fromCharCode(65 + prng.int(0, 25))}${String.fromCharCode(65 + prng.int(0, 25))}` : pc,
    City: city, Country: `${country} `, CountryName: country === 'NL' ? 'Nederland' : 'België', Email: `info@klant${i}.example`,
    Phone: country === 'NL' ? `0${prng.int(10, 79)}-${prng.int(1_000_000, 9_999_999)}` : `+32 ${prng.int(2, 9)} ${prng.int(100, 999)} ${prng.int(10, 99)} ${prng.int(10, 99)}`,
    VATNumber: country === 'NL' ? `NL${digits}B01` : `BE0${digits}`, ChamberOfCommerce: country === 'NL' ? String(prng.int(10_000_000, 99_999_999)) : `0${digits}`,
    PaymentConditionSales: prng.pick(['14', '30', '30', '60']), SalesVATCode: '2  ', InvoicingMethod: prng.pick([1, 2, 2, 32]), Language: country === 'NL' ? 'NL' : 'NL-BE',
  }, false);
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(country === 'NL' ? NL_SURNAMES : BE_SURNAMES);
  const contact = ctx.insert('Contacts', { Account: acc.ID, AccountName: name, FirstName: first, LastName: last, FullName: `${first} ${last}`,
    Email: `${first.toLowerCase()}@klant${i}.example`, IsMainContact: true, Code: acc.Code, HID: i, City: city, Country: country }, false);
  acc.MainContact = contact.ID;
  ctx.insert('Addresses', { Account: acc.ID, AccountName: name, Type: 1, Main: true, AddressLine1: acc.AddressLine1, Postcode: acc.Postcode, City: city, Country: country }, false);
  return acc;
}

function seedEntries(ctx: EntityContext, prng: Prng, customers: Row[]): void {
  const year = new Date(ctx.now()).getUTCFullYear();
  const rev = ['8000', '8010', '8020', '8070'].map((c) => findGlByCode(ctx, c)!.ID);
  const active = customers.filter((c) => !c.Blocked);
  for (let i = 0; i < 40; i++) {
    const customer = active[i * 7 % active.length];
    const credit = i % 13 === 12;
    const lines = Array.from({ length: prng.int(1, 3) }, () => ({
      GLAccount: prng.pick(rev), AmountFC: (credit ? -1 : 1) * money(prng.int(5000, 250000) / 100), VATCode: prng.pick(['2  ', '2  ', '1  ']), Description: prng.pick(['Werkzaamheden', 'Levering materiaal', 'Advies', 'Onderhoud']),
    }));
    const entry = createEntity(ctx, ctx.registry.def('SalesEntries'), {
      Journal: i % 5 === 4 ? '72' : '70', Customer: customer.ID, EntryDate: `${year}-${String(1 + (i % 10)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`,
      YourRef: `F${year}-${String(i + 1).padStart(4, '0')}`, Description: `Factuur ${String(customer.Name)}`, SalesEntryLines: lines,
    });
    if (!credit && i % 3 === 0) payInvoice(ctx, entry, entry.AmountDC as number);
    else if (!credit && i % 7 === 1) payInvoice(ctx, entry, money((entry.AmountDC as number) / 2));
  }
}

export function payInvoice(ctx: EntityContext, entry: Row, amount: number): Row {
  return createCashEntry('BankEntries')(ctx, {
    JournalCode: '20', BankEntryLines: [{ Account: entry.Customer, AmountFC: amount, OurRef: entry.InvoiceNumber, Description: `Betaling factuur ${String(entry.InvoiceNumber)}`, Date: ctx.today() }],
  });
}

/** Benchmark volume: N extra TransactionLines (and N/10 extra accounts) in the first division. */
function seedVolume(ctx: EntityContext, prng: Prng, customers: Row[], n: number): void {
  const gls = ctx.filter('GLAccounts', (g) => g.Type === 110 && !g.IsBlocked);
  for (let i = 0; i < Math.floor(n / 10); i++) seedCustomer(ctx, 'NL', prng, NL_CITIES, 10_000 + i);
  const year = new Date(ctx.now()).getUTCFullYear();
  for (let i = 0; i < n; i++) {
    const c = customers[i % customers.length];
    const gl = gls[i % gls.length];
    const date = Date.UTC(year, i % 12, 1 + (i % 28));
    ctx.insert('TransactionLines', {
      EntryID: prng.guid(), EntryNumber: 90_000_000 + i, JournalCode: '70', JournalDescription: 'Verkoopboek', Type: 20, Date: date, FinancialYear: year,
      FinancialPeriod: 1 + (i % 12), LineNumber: 1, GLAccount: gl.ID, GLAccountCode: gl.Code, GLAccountDescription: gl.Description, Account: c.ID,
      AccountCode: c.Code, AccountName: c.Name, AmountDC: -money(10 + (i % 1000)), AmountFC: -money(10 + (i % 1000)), VATCode: '2  ', VATPercentage: 0.21,
      InvoiceNumber: 90_000_000 + i, Description: `Volumeregel ${i}`, Currency: 'EUR', ExchangeRate: 1, Status: 20, LineType: 0,
    }, false);
  }
}
