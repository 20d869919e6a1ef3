import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../common/errors.js';

type Raw = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export interface PersonRow { id: number; name: string; code: string | null; group: string | null; division: number | null; exactId: string | null; userId: number | null; userName: string | null }
export interface ActivityChoice {
  id: number; cardId: number; division: number; kind: 'operation' | 'item' | 'hour_type' | 'wbs_activity'; exactId: string; code: string | null; description: string | null;
  workcenterCode: string | null; cardKind: string; cardNumber: string | null; cardDescription: string | null; cardExactId: string; parentExactId: string | null; status: string; cardStatus: string;
}

const ACTIVITY = `select a.id, a.card_id, a.division, a.kind, a.exact_id, a.code, a.description, a.workcenter_code, a.status,
  c.kind as card_kind, c.number as card_number, c.description as card_description, c.exact_id as card_exact_id, c.parent_exact_id, c.status as card_status
  from plan_activity a join plan_card c on c.id = a.card_id`;
const toActivity = (r: Raw): ActivityChoice => ({
  id: Number(r.id), cardId: Number(r.card_id), division: Number(r.division), kind: r.kind as ActivityChoice['kind'], exactId: String(r.exact_id), code: str(r.code),
  description: str(r.description), workcenterCode: str(r.workcenter_code), cardKind: String(r.card_kind), cardNumber: str(r.card_number),
  cardDescription: str(r.card_description), cardExactId: String(r.card_exact_id), parentExactId: str(r.parent_exact_id), status: String(r.status), cardStatus: String(r.card_status),
});

/**
 * The planning side of time registration (issue 16): employees (plan resources of kind employee) and their link
 * to Koppel users, and the activities hours can be written on. Reads and the user link only; a small addition
 * to the planning module, provided by the time module (it needs nothing but the EntityManager).
 */
@Injectable()
export class PlanningPeopleService {
  constructor(private readonly em: EntityManager) {}

  private sql(text: string, params: unknown[] = []): Promise<Raw[]> {
    return this.em.getConnection().execute(text, params);
  }

  async employees(): Promise<PersonRow[]> {
    const rows = await this.sql(`select r.id, r.name, r.code, r."group", r.division, r.exact_id, r.user_id, u.name as user_name
      from plan_resource r left join users u on u.id = r.user_id where r.kind = 'employee' and r.active order by r."group" nulls last, r.name, r.id`);
    return rows.map((r) => ({ id: Number(r.id), name: String(r.name), code: str(r.code), group: str(r.group), division: r.division === null ? null : Number(r.division), exactId: str(r.exact_id), userId: r.user_id === null ? null : Number(r.user_id), userName: str(r.user_name) }));
  }

  async employee(id: number): Promise<PersonRow> {
    const p = (await this.employees()).find((e) => e.id === id);
    if (!p) throw new NotFoundError('Employee');
    return p;
  }

  /** The employee a Koppel user is (null when none is linked). */
  async employeeOfUser(userId: number): Promise<PersonRow | null> {
    const [r] = await this.sql(`select id from plan_resource where user_id = ? and kind = 'employee' and active order by id limit 1`, [userId]);
    return r ? this.employee(Number(r.id)) : null;
  }

  /** Links an employee to a Koppel user (one employee per user), or unlinks it (null). */
  async linkUser(resourceId: number, userId: number | null): Promise<void> {
    await this.em.transactional(async (tem) => {
      const conn = tem.getConnection();
      const ctx = tem.getTransactionContext();
      const [r] = await conn.execute(`select id from plan_resource where id = ? and kind = 'employee' for update`, [resourceId], 'all', ctx);
      if (!r) throw new NotFoundError('Employee');
      if (userId !== null) await conn.execute(`update plan_resource set user_id = null, version = version + 1, updated_at = now() where user_id = ? and id <> ?`, [userId, resourceId], 'all', ctx);
      await conn.execute(`update plan_resource set user_id = ?, version = version + 1, updated_at = now() where id = ?`, [userId, resourceId], 'all', ctx);
    });
  }

  async activity(id: number): Promise<ActivityChoice | null> {
    const [r] = await this.sql(`${ACTIVITY} where a.id = ?`, [id]);
    return r ? toActivity(r) : null;
  }

  async activities(ids: number[]): Promise<ActivityChoice[]> {
    if (!ids.length) return [];
    return (await this.sql(`${ACTIVITY} where a.id = any(?::int[])`, [`{${ids.map(Math.trunc).join(',')}}`])).map(toActivity);
  }

  /**
   * What someone can write hours on: open activities planned on the employee in or around the week first, then
   * other open activities on open cards (searched by card number or description), at most `limit`.
   */
  async activityChoices(resourceId: number, from: string, to: string, q: string | undefined, limit = 50): Promise<ActivityChoice[]> {
    const like = q ? `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
    const rows = await this.sql(`${ACTIVITY}
      where a.status <> 'archived' and c.status = 'open' and a.kind in ('operation', 'hour_type', 'wbs_activity')
        and (?::text is null or c.number ilike ? or c.description ilike ? or a.description ilike ?)
      order by (a.resource_id = ? and a.planned_start <= ? and coalesce(a.planned_end, a.planned_start) >= ?) is true desc, c.number nulls last, a.sequence, a.id
      limit ${Math.trunc(limit)}`, [like, like, like, like, resourceId, to, from]);
    return rows.map(toActivity);
  }
}
