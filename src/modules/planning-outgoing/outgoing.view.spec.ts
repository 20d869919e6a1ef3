import { describe, expect, it } from '@jest/globals';
import { toMessageView } from './outgoing.view.js';
import { HELD, kindsOn } from './outgoing.service.js';
import type { OutboxMessage, OutgoingSettings } from './outgoing.entity.js';

const msg = (m: Partial<OutboxMessage>) => ({ id: 7, kind: 'mfg_time', reference: 'T1', payload: {}, state: 'queued', pending: false, attempts: 1, timeEntryId: 1, ...m }) as OutboxMessage;
const settings = (s: Partial<OutgoingSettings>) => ({ division: 1, productionOrderOutbound: false, shopOrderTime: false, shopOrderPlannedDate: false, projectOutbound: false, salesOrderOutbound: false, salesOrderDeliveryDate: false, selectionCodes: {}, ...s }) as OutgoingSettings;

describe('outgoing messages as shown on the entry, the card and the send log', () => {
  it("a refused message shows Exact's own text and can be re-sent", () => {
    const v = toMessageView(msg({ state: 'failed', lastError: 'Productieorder is afgerond' }));
    expect(v).toMatchObject({ state: 'failed', error: 'Productieorder is afgerond', heldReason: null, resendable: true });
  });

  it('a held message shows its reason (an i18n key), never as an error from Exact, and can be re-sent', () => {
    const v = toMessageView(msg({ state: 'held', lastError: HELD.shopOrderTimeOff }));
    expect(v).toMatchObject({ state: 'held', error: null, heldReason: 'outgoing.held.shopOrderTimeOff', resendable: true, failed: false });
  });

  it('a queued or sent message is not re-sent; one whose call is out there shows as pending', () => {
    expect(toMessageView(msg({ state: 'sent', exactId: 'x' })).resendable).toBe(false);
    expect(toMessageView(msg({ state: 'queued', pending: true })).state).toBe('pending');
  });
});

describe('which kinds the switches let go', () => {
  it('a master switch off holds everything under it', () => {
    expect([...kindsOn(settings({ shopOrderTime: true, shopOrderPlannedDate: true }))]).toEqual([]);
    expect([...kindsOn(settings({ productionOrderOutbound: true, shopOrderTime: true }))]).toEqual(['mfg_time']);
    expect([...kindsOn(settings({ projectOutbound: true }))]).toEqual(['project_time']);
    expect([...kindsOn(null)]).toEqual([]);
  });
});
