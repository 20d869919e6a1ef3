import { describe, expect, it } from '@jest/globals';
import { ExactPageRegistry } from './integrations.types.js';
import { InvoicePageRegistry } from '../invoices/invoices.types.js';

const admin = { id: 1, email: 'a@example.com', name: 'A', role: 'admin' as const, language: 'nl' as const };

describe('explicit page registrations', () => {
  it('puts each card under its name and leaves out a card with nothing to show', async () => {
    const r = new ExactPageRegistry();
    r.addCard('webhooks', async (user) => (user?.role === 'admin' ? { active: 2 } : undefined));
    r.addCard('other', async () => undefined);
    expect(await r.cardValues(admin)).toEqual({ webhooks: { active: 2 } });
    expect(await r.cardValues(undefined)).toEqual({});
  });

  it('runs every listener after a connection change, in the background, a failing one not stopping the others', async () => {
    const r = new ExactPageRegistry();
    const ran: string[] = [];
    r.onConnectionChanged(() => {
      throw new Error('boom');
    });
    r.onConnectionChanged(async () => void ran.push('check'));
    expect(() => r.connectionChanged()).not.toThrow();
    const deadline = Date.now() + 5000;
    while (!ran.length && Date.now() < deadline) await new Promise((res) => setImmediate(res));
    expect(ran).toEqual(['check']);
  });

  it('merges what modules add to the invoice list and detail page', async () => {
    const r = new InvoicePageRegistry();
    r.addToList(async (user) => ({ paymentsPopup: true, paymentsCanConfigure: user?.role === 'admin' }));
    r.addToDetail(async (id) => ({ invoicePayments: [{ id, amount: '1.00' }] }));
    expect(await r.listValues(admin)).toEqual({ paymentsPopup: true, paymentsCanConfigure: true });
    expect(await r.detailValues(7, admin)).toEqual({ invoicePayments: [{ id: 7, amount: '1.00' }] });
    expect(await new InvoicePageRegistry().listValues(admin)).toEqual({});
  });

  it('lets a failing invoice section fail the page (no silently missing payments)', async () => {
    const r = new InvoicePageRegistry();
    r.addToDetail(async () => {
      throw new Error('db down');
    });
    await expect(r.detailValues(1, admin)).rejects.toThrow('db down');
  });
});
