/** Shared types of the Exact Online sandbox. */

export type FieldType = 'guid' | 'str' | 'int' | 'int64' | 'num' | 'bool' | 'date' | 'byte' | 'coll' | 'b64';
export type Verb = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Row = Record<string, unknown>;
export type Key = string | number;
export type DivisionGrant = 'all' | number[];

export interface ClientRecord {
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  redirectUri: string;
}

export interface DefaultClient extends ClientRecord {}

export class ExactError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const DEFAULT_CLIENT: DefaultClient = {
  clientId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  clientSecret: 'sandbox-secret',
  webhookSecret: 'sandbox-webhook-secret',
  redirectUri: 'http://localhost:3000/settings/integrations/exact/callback',
};

export const DEMO_USER_ID = '5e0d3c1a-7a43-4c59-9d2e-1b2c3d4e5f60';
