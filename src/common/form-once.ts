import { randomUUID } from 'node:crypto';
import { Global, Injectable, Module } from '@nestjs/common';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from './clock.js';

/**
 * One-time form tokens: every create form carries `<input type="hidden" name="_form" value="{{formToken}}">`.
 * The first POST with a token claims it (a primary key, so two POSTs at once cannot both win) and, once the thing is
 * saved, records where it is. A second POST of the same form (double-click, Back + Save, a resent request) creates
 * nothing and is sent to what the first one made.
 */
@Entity({ tableName: 'form_submission' })
export class FormSubmission {
  @PrimaryKey({ type: 'string', length: 40 })
  token!: string;

  @Property({ type: 'string', length: 20 })
  kind!: string;

  /** Where the saved thing is (e.g. /customers/12); null while the first POST is still saving. */
  @Property({ type: 'string', length: 200, nullable: true })
  target?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

export type Claim = { first: true; token?: string } | { first: false; target: string | null };

/** A claim whose first POST never finished (its process died) may be taken again after this long. */
const ABANDONED_MS = 60_000;
const KEEP_DAYS = 7;
const TOKEN = /^[0-9a-f-]{36}$/;

@Injectable()
export class FormOnceService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** A fresh token for a form being shown (or the one it already had, when it is shown again with errors). */
  token(existing?: unknown): string {
    return typeof existing === 'string' && TOKEN.test(existing) ? existing : randomUUID();
  }

  /**
   * Claims the form's token. `first: true` — go ahead (no or malformed token: nothing to check against);
   * `first: false` — this form was submitted before: `target` is what it made (null: still being saved).
   */
  async claim(token: unknown, kind: string): Promise<Claim> {
    if (typeof token !== 'string' || !TOKEN.test(token)) return { first: true };
    const conn = this.orm.em.fork().getConnection();
    const now = this.clock.now();
    const won = await conn.execute<{ token: string }[]>(
      `insert into form_submission (token, kind, created_at) values (?, ?, ?) on conflict (token) do nothing returning token`,
      [token, kind, now],
    );
    if (won.length) {
      if (Math.random() < 0.01) await conn.execute(`delete from form_submission where created_at < ?`, [new Date(now.getTime() - KEEP_DAYS * 86_400_000)]);
      return { first: true, token };
    }
    // an unfinished claim of a process that died: taken over (its thing was never saved, or the target would be set)
    const retaken = await conn.execute<{ token: string }[]>(
      `update form_submission set created_at = ? where token = ? and target is null and created_at < ? returning token`,
      [now, token, new Date(now.getTime() - ABANDONED_MS)],
    );
    if (retaken.length) return { first: true, token };
    const [row] = await conn.execute<{ target: string | null }[]>(`select target from form_submission where token = ?`, [token]);
    return { first: false, target: row?.target ?? null };
  }

  /** The first POST saved its thing: later POSTs of the form go there. */
  async done(claim: Claim, target: string): Promise<void> {
    if (!claim.first || !claim.token) return;
    await this.orm.em.fork().getConnection().execute(`update form_submission set target = ? where token = ?`, [target, claim.token]);
  }

  /** The first POST was refused (validation): the form, corrected, may be sent again with the same token. */
  async release(claim: Claim): Promise<void> {
    if (!claim.first || !claim.token) return;
    await this.orm.em.fork().getConnection().execute(`delete from form_submission where token = ? and target is null`, [claim.token]);
  }
}

@Global()
@Module({ providers: [FormOnceService], exports: [FormOnceService] })
export class FormOnceModule {}
