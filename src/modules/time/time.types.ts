import type { CurrentUser } from '../auth/current-user.js';

/** Who is acting on time entries: planners and admins plan and approve; anyone records his own hours. */
export type TimeActor = Pick<CurrentUser, 'id' | 'name' | 'role'>;
export const canApprove = (a: TimeActor) => a.role === 'planner' || a.role === 'admin';

/** How the outgoing side tells an entry where its hours are (sent, refused by Exact with its text, held). */
export interface TimeSendUpdate {
  state: 'queued' | 'sent' | 'failed' | 'held';
  error?: string | null;
  exactId?: string | null;
}

/** An approved entry as the outgoing side needs it to build the Exact TimeTransaction. */
export interface ApprovedEntry {
  id: number;
  division: number;
  date: string;
  hours: number;
  phase: 'setup' | 'run' | null;
  quantity: number | null;
  operationFinished: boolean;
  notes: string | null;
  employeeExactId: string | null;
  activityKind: string;
  activityExactId: string;
  cardId: number;
  cardKind: string;
  cardExactId: string;
  parentExactId: string | null;
  workcenterCode: string | null;
}
