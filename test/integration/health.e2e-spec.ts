import { describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/app.js';

describe('GET /healthz', () => {
  it('answers 503 when the database does not answer', async () => {
    const t = await startTestApp();
    try {
      expect((await t.agent().get('/healthz')).status).toBe(200);
      await t.db.stop();
      const res = await t.agent().get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body.status).not.toBe('ok');
    } finally {
      await t.app.close().catch(() => undefined);
    }
  }, 60_000);
});
