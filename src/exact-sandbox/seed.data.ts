/** Static Dutch/Belgian reference data for the seed generator. */

export interface DivisionSeed {
  code: number;
  description: string;
  country: 'NL' | 'BE';
  vat: string;
  coc: string;
  city: string;
  postcode: string;
  address: string;
  customers: number;
}

export const DIVISION_SEEDS: DivisionSeed[] = [
  { code: 1234567, description: 'Van Dijk Installatietechniek B.V.', country: 'NL', vat: 'NL812345678B01', coc: '30123456', city: 'Utrecht', postcode: '3511 AB', address: 'Oudegracht 120', customers: 300 },
  { code: 2345678, description: 'De Groot Advies & Projecten B.V.', country: 'NL', vat: 'NL854321987B01', coc: '24987654', city: 'Rotterdam', postcode: '3011 AD', address: 'Coolsingel 42', customers: 200 },
  { code: 3456789, description: 'Peeters & Janssens BV', country: 'BE', vat: 'BE0456789123', coc: '0456789123', city: 'Antwerpen', postcode: '2000', address: 'Meir 15', customers: 150 },
];

/** [code, description, type, options] */
export type GlSeed = [string, string, number, { blocked?: boolean; vat?: string }?];

export const GL_BALANCE: GlSeed[] = [
  ['0100', 'Goodwill', 30], ['0200', 'Bedrijfsgebouwen', 30], ['0210', 'Afschrijving bedrijfsgebouwen', 35], ['0300', 'Machines en installaties', 30],
  ['0310', 'Afschrijving machines', 35], ['0400', 'Inventaris', 30], ['0410', 'Afschrijving inventaris', 35], ['0500', 'Vervoermiddelen', 30],
  ['0510', 'Afschrijving vervoermiddelen', 35], ['0600', 'Geplaatst kapitaal', 50], ['0700', 'Overige reserves', 52], ['0800', 'Leningen o/g', 55],
  ['0900', 'Voorzieningen', 32], ['1000', 'Kas', 10], ['1100', 'Bank ING', 12], ['1110', 'Bank Rabobank', 12], ['1120', 'Bank ABN AMRO', 12],
  ['1130', 'Spaarrekening', 12], ['1140', 'Mollie betalingen', 16], ['1150', 'Creditcard', 14], ['1200', 'Kruisposten', 90],
  ['1300', 'Debiteuren', 20], ['1310', 'Vooruitbetaalde debiteuren', 21], ['1400', 'Vooruitbetaalde kosten', 26], ['1410', 'Nog te ontvangen bedragen', 32],
  ['1500', 'Te vorderen btw', 24], ['1510', 'Te betalen btw laag', 24], ['1520', 'Te betalen btw hoog', 24], ['1530', 'Btw verlegd', 24],
  ['1560', 'Afdracht btw', 24], ['1600', 'Crediteuren', 22], ['1700', 'Loonheffing', 100], ['1710', 'Netto lonen', 25],
  ['1720', 'Pensioenpremies', 27], ['1800', 'Vennootschapsbelasting', 29], ['1900', 'Nog te betalen kosten', 27], ['1910', 'Rekening-courant directie', 60],
  ['3000', 'Voorraad materialen', 40], ['3100', 'Voorraad handelsgoederen', 40], ['3200', 'Onderhanden werk', 40],
];

export const COST_CATEGORIES: [string, number][] = [
  ['Brutolonen', 125], ['Sociale lasten', 126], ['Pensioenlasten', 126], ['Reiskostenvergoeding', 125], ['Opleidingskosten', 125],
  ['Huur bedrijfspand', 121], ['Energiekosten', 121], ['Schoonmaakkosten', 121], ['Onderhoud gebouwen', 121], ['Verzekeringen', 121],
  ['Brandstof', 120], ['Leasekosten auto', 120], ['Onderhoud auto', 120], ['Parkeerkosten', 120], ['Kantoorbenodigdheden', 121],
  ['Telefoon en internet', 121], ['Software en licenties', 121], ['Portokosten', 121], ['Advertentiekosten', 121], ['Representatiekosten', 121],
  ['Accountantskosten', 121], ['Advieskosten', 121], ['Bankkosten', 121], ['Contributies', 121], ['Afschrijving inventaris', 122],
  ['Afschrijving auto', 122], ['Onderzoek en ontwikkeling', 123], ['Kleine aanschaffingen', 120], ['Gereedschap', 120], ['Werkkleding', 120],
  ['Uitbesteed werk', 120], ['Inhuur personeel', 125], ['Vrachtkosten', 120], ['Kantinekosten', 121], ['Relatiegeschenken', 121],
  ['Boetes', 130], ['Overige kosten', 120], ['Doorbelaste kosten', 120], ['Garantiekosten', 120], ['Afboeking debiteuren', 130],
];

export const REVENUE_NAMES = ['Omzet diensten', 'Omzet producten', 'Omzet advies', 'Omzet verlegd', 'Omzet EU', 'Omzet export', 'Omzet detachering',
  'Omzet onderhoud', 'Omzet licenties', 'Omzet oud'];

export const JOURNAL_SEEDS: [string, string, number, string | null, boolean?][] = [
  ['10', 'Kas', 10, '1000'], ['11', 'Kas filiaal', 10, '1000'], ['20', 'ING Bank', 12, '1100'], ['21', 'Rabobank', 12, '1110'],
  ['22', 'ABN AMRO', 12, '1120'], ['23', 'Spaarrekening', 12, '1130'], ['24', 'Creditcard', 12, '1150'], ['16', 'Mollie', 16, '1140'],
  ['60', 'Inkoopboek', 22, null], ['61', 'Inkoopboek buitenland', 22, null], ['62', 'Inkoopboek kosten', 22, null], ['65', 'Inkoopcreditnota\'s', 23, null],
  ['70', 'Verkoopboek', 20, null], ['71', 'Verkoopboek export', 20, null], ['72', 'Verkoopboek diensten', 20, null], ['73', 'Verkoopboek abonnementen', 20, null],
  ['74', 'Verkoopboek webshop', 20, null], ['75', 'Verkoopcreditnota\'s', 21, null], ['79', 'Verkoopboek oud', 20, null, true],
  ['90', 'Memoriaal', 90, null], ['91', 'Memoriaal salarissen', 90, null], ['92', 'Memoriaal afschrijvingen', 90, null], ['93', 'Memoriaal btw', 90, null],
  ['94', 'Beginbalans', 90, null], ['95', 'Correcties', 90, null], ['96', 'Memoriaal voorraad', 90, null], ['97', 'Memoriaal overlopende posten', 90, null],
  ['98', 'Memoriaal kruisposten', 90, null], ['99', 'Memoriaal jaarafsluiting', 90, null], ['80', 'Memoriaal projecten', 90, null],
];

/** [code, description, percentage, type, charged, transactionType] */
export type VatSeed = [string, string, number, string, boolean, string];

export const VAT_NL: VatSeed[] = [
  ['0', 'Geen btw', 0, 'N', false, 'B'], ['1', 'Btw laag 9%', 0.09, 'E', false, 'B'], ['2', 'Btw hoog 21%', 0.21, 'E', false, 'B'],
  ['3', 'Btw 0% export buiten EU', 0, 'B', false, 'S'], ['4', 'Intracommunautaire levering 0%', 0, 'B', true, 'S'],
  ['5', 'Btw verlegd', 0, 'B', true, 'B'], ['6', 'Btw hoog inclusief', 0.21, 'I', false, 'B'], ['7', 'Inkoop btw hoog', 0.21, 'E', false, 'P'],
  ['8', 'Btw laag (oud 6%)', 0.06, 'E', false, 'B'],
];

export const VAT_BE: VatSeed[] = [
  ['0', 'Geen btw 0%', 0, 'N', false, 'B'], ['1', 'Btw 6%', 0.06, 'E', false, 'B'], ['3', 'Btw 12%', 0.12, 'E', false, 'B'],
  ['2', 'Btw 21%', 0.21, 'E', false, 'B'], ['5', 'Btw verlegd (medecontractant)', 0, 'B', true, 'B'], ['4', 'Intracommunautaire levering', 0, 'B', true, 'S'],
];

export const NL_BUSINESS = ['Bakkerij', 'Installatiebedrijf', 'Bouwbedrijf', 'Transportbedrijf', 'Hoveniersbedrijf', 'Adviesbureau', 'Schildersbedrijf',
  'Autobedrijf', 'Drukkerij', 'Kinderopvang', 'Tandartspraktijk', 'Loodgietersbedrijf', 'Timmerbedrijf', 'Cateringbedrijf', 'Architectenbureau'];
export const NL_SURNAMES = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters',
  'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer', 'van den Berg', 'Kok', 'Jacobs'];
export const NL_LEGAL = ['B.V.', 'V.O.F.', '', 'Holding B.V.', 'B.V.'];
export const NL_CITIES: [string, string, string][] = [['Amsterdam', '1011', 'Damrak'], ['Utrecht', '3511', 'Vredenburg'], ['Rotterdam', '3011', 'Hoogstraat'],
  ['Eindhoven', '5611', 'Stratumseind'], ['Groningen', '9711', 'Herestraat'], ['Zwolle', '8011', 'Diezerstraat'], ['Amersfoort', '3811', 'Langestraat'],
  ['Haarlem', '2011', 'Grote Houtstraat'], ['Breda', '4811', 'Ginnekenweg'], ['Nijmegen', '6511', 'Burchtstraat']];
export const BE_BUSINESS = ['Bakkerij', 'Schrijnwerkerij', 'Bouwonderneming', 'Transport', 'Tuinaanleg', 'Adviesbureau', 'Schilderwerken', 'Garage', 'Drukkerij', 'Elektriciteit'];
export const BE_SURNAMES = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois', 'Lambert', 'Vermeulen', 'Desmet'];
export const BE_LEGAL = ['BV', 'NV', 'BVBA', 'CommV', ''];
export const BE_CITIES: [string, string, string][] = [['Antwerpen', '2000', 'Meir'], ['Gent', '9000', 'Veldstraat'], ['Brussel', '1000', 'Nieuwstraat'],
  ['Leuven', '3000', 'Bondgenotenlaan'], ['Brugge', '8000', 'Steenstraat'], ['Hasselt', '3500', 'Demerstraat'], ['Mechelen', '2800', 'Bruul']];
export const FIRST_NAMES = ['Jan', 'Piet', 'Sanne', 'Emma', 'Lucas', 'Daan', 'Sophie', 'Julia', 'Thomas', 'Lotte', 'Bram', 'Eva', 'Koen', 'Anouk', 'Wout', 'Lies'];

/** [code, description, unit, isTime, price] */
export const ITEM_SEEDS: [string, string, string, number, number][] = [
  ['ARBEID', 'Arbeid', 'uur', 1, 65], ['REISTIJD', 'Reistijd', 'uur', 1, 45], ['OVERWERK', 'Overwerk', 'uur', 1, 85], ['ADVIES', 'Advies', 'uur', 1, 110],
  ['ENGINEERING', 'Engineering', 'uur', 1, 95], ['VOORRIJ', 'Voorrijkosten', 'stuk', 0, 35], ['KM', 'Kilometervergoeding', 'km', 0, 0.23],
  ['CVKETEL', 'CV-ketel HR 28 kW', 'stuk', 0, 1650], ['THERMO', 'Slimme thermostaat', 'stuk', 0, 229], ['RADIATOR', 'Radiator type 22', 'stuk', 0, 189],
  ['KOPERBUIS', 'Koperbuis 15 mm (per m)', 'm', 0, 7.5], ['PVC', 'PVC afvoerbuis 110 mm (per m)', 'm', 0, 9.95], ['WARMTEPOMP', 'Warmtepomp lucht/water 8 kW', 'stuk', 0, 7450],
  ['ONDERHOUD', 'Onderhoudscontract jaar', 'stuk', 0, 159], ['STORING', 'Storingsdienst', 'stuk', 0, 95], ['KLEINMAT', 'Klein materiaal', 'stuk', 0, 12.5],
  ['ZONNEPANEEL', 'Zonnepaneel 430 Wp', 'stuk', 0, 239], ['OMVORMER', 'Omvormer 5 kW', 'stuk', 0, 1195], ['KABEL', 'Installatiekabel 3x2,5 (per m)', 'm', 0, 2.35],
  ['PROJECTLEIDING', 'Projectleiding', 'uur', 1, 105],
];
