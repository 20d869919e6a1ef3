/** The sender an invoice PDF prints (resolved: location's own over company-wide over the location record). */
export interface InvoiceSenderResolved {
  legalName: string;
  /** The location's name, printed under the legal name when it differs. */
  tradeName: string;
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  country: string;
  kvkNumber?: string;
  vatNumber?: string;
  phone?: string;
  email?: string;
  website?: string;
  /** data: URI of the logo (the PDF page loads nothing from outside). */
  logoDataUri?: string;
}
