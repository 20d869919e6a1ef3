import type { ExactSelectionCode } from '../../exact/time.resources.js';
import { SELECTION_STATUSES, type OutboxLog, type OutboxMessage, type OutgoingSettings } from './outgoing.entity.js';

/** The switches, grouped as vPlan's article groups them, with the selection-code fields per card status. */
export function toSettingsView(s: OutgoingSettings, codes: ExactSelectionCode[]) {
  const sw = (key: keyof OutgoingSettings, master?: keyof OutgoingSettings) => ({ key, on: Boolean(s[key]), master: master ?? null, masterOff: master ? !s[master] : false });
  const codeChoices = codes.map((c) => ({ id: c.ID, label: [c.Code, c.Description].filter(Boolean).join(' · ') }));
  const codeFields = (group: 'sales' | 'shop') => SELECTION_STATUSES.map((status) => ({ name: `${group}_${status}`, status, value: s.selectionCodes[group]?.[status] ?? '' }));
  return {
    groups: [
      { key: 'production', switches: [sw('productionOrderOutbound'), sw('shopOrderTime', 'productionOrderOutbound'), sw('shopOrderPlannedDate', 'productionOrderOutbound')] },
      { key: 'project', switches: [sw('projectOutbound')] },
      { key: 'sales', switches: [sw('salesOrderOutbound'), sw('salesOrderDeliveryDate', 'salesOrderOutbound')] },
    ],
    codeChoices,
    salesCodes: codeFields('sales'),
    shopCodes: codeFields('shop'),
  };
}

/** A message; a held one carries the reason as an i18n key (`heldReason`), a refused one Exact's own text (`error`). */
export function toMessageView(m: OutboxMessage) {
  const held = m.state === 'held';
  return {
    id: m.id, kind: m.kind, state: m.pending && m.state === 'queued' ? 'pending' : m.state, reference: m.reference, error: held ? null : (m.lastError ?? null),
    heldReason: held ? (m.lastError ?? null) : null, exactId: m.exactId ?? null, sentAt: m.sentAt?.toISOString() ?? null, attempts: m.attempts,
    payload: JSON.stringify(m.payload), failed: m.state === 'failed', resendable: m.state === 'failed' || held, timeEntryId: m.timeEntryId ?? null,
  };
}

export function toLogView(l: OutboxLog) {
  return { at: l.createdAt.toISOString().replace('T', ' ').slice(0, 19), outboxId: l.outboxId, action: l.action, detail: l.detail ?? null };
}
