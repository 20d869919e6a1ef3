import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startSandbox } from '../../src/exact-sandbox/server.js';
import { DEFAULT_CLIENT } from '../../src/exact-sandbox/sandbox.types.js';

// persistence, isolation, reset and the control page
describe('sandbox state, isolation and control page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exact-sandbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const post = (url: string, path: string, body: unknown) =>
    fetch(`${url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, any>>);

  it('keeps state (data, clients, clock) across a restart when a state file is given', async () => {
    const file = join(dir, 'state.json');
    const a = await startSandbox({ port: 0, stateFile: file });
    const acc = await post(a.url, 'accounts', { Name: 'Blijft Bestaan B.V.' });
    const client = await post(a.url, 'clients', { redirectUri: 'https://x.example/cb' });
    await post(a.url, 'clock', { advanceSeconds: 3600 });
    await a.close();
    const b = await startSandbox({ port: 0, stateFile: file });
    const rows = await (await fetch(`${b.url}/_sandbox/data/1234567/Accounts?q=blijft`)).json() as { rows: { ID: string }[] };
    expect(rows.rows[0].ID).toBe(acc.ID);
    expect((await post(b.url, 'authorize', { clientId: client.clientId, redirectUri: 'https://x.example/cb' })).code).toContain('!');
    const clock = await (await fetch(`${b.url}/_sandbox/clock`)).json() as { offsetMs: number };
    expect(clock.offsetMs).toBeGreaterThanOrEqual(3_600_000);
    await b.close();
  });

  it('isolates in-process instances and resets deterministically, keeping clients', async () => {
    const a = await startSandbox({ port: 0 });
    const b = await startSandbox({ port: 0 });
    await post(a.url, 'accounts', { Name: 'Alleen in A' });
    const inB = await (await fetch(`${b.url}/_sandbox/data/1234567/Accounts?q=alleen`)).json() as { total: number };
    expect(inB.total).toBe(0);
    const client = await post(a.url, 'clients', { redirectUri: 'https://y.example/cb' });
    const first = await (await fetch(`${a.url}/_sandbox/data/2345678/Accounts?limit=3`)).json() as { rows: { ID: string; Name: string }[] };
    await post(a.url, 'reset', { seed: 1 });
    const again = await (await fetch(`${a.url}/_sandbox/data/2345678/Accounts?limit=3`)).json() as { rows: { ID: string; Name: string }[] };
    expect(again.rows).toEqual(first.rows.map((r) => expect.objectContaining({ ID: r.ID, Name: r.Name })));
    expect((await post(a.url, 'authorize', { clientId: client.clientId, redirectUri: 'https://y.example/cb' })).code).toBeDefined();
    expect((await post(a.url, 'authorize', { clientId: DEFAULT_CLIENT.clientId, redirectUri: DEFAULT_CLIENT.redirectUri })).code).toBeDefined();
    const page = await (await fetch(`${a.url}/_sandbox`)).text();
    expect(page).toContain('Simulate payment');
    await a.close();
    await b.close();
  });
});
