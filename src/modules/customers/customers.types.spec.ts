import { describe, expect, it } from '@jest/globals';
import { CustomerPageRegistry } from './customers.types.js';

const user = (role: 'admin' | 'accountant' | 'planner') => ({ id: 1, email: 'a@example.com', name: 'A', role, language: 'nl' as const });

describe('CustomerPageRegistry', () => {
  it('merges what modules add to a customer page, per customer and role; nothing registered adds nothing', async () => {
    const r = new CustomerPageRegistry();
    r.addToDetail(async (id, u) => (u?.role === 'planner' ? {} : { deskTransactions: { items: [], allHref: `/accounting/transactions?customerId=${id}` } }));
    r.addToDetail(async (id) => ({ other: id }));
    expect(await r.detailValues(7, user('accountant'))).toEqual({ deskTransactions: { items: [], allHref: '/accounting/transactions?customerId=7' }, other: 7 });
    expect(await r.detailValues(7, user('planner'))).toEqual({ other: 7 });
    expect(await new CustomerPageRegistry().detailValues(7, user('admin'))).toEqual({});
  });

  it('lets a failing section fail the page (nothing silently missing)', async () => {
    const r = new CustomerPageRegistry();
    r.addToDetail(async () => {
      throw new Error('db down');
    });
    await expect(r.detailValues(1, user('admin'))).rejects.toThrow('db down');
  });
});
