import { describe, expect, it } from '@jest/globals';
import { Clock } from './clock.js';

describe('Clock', () => {
  it("gives today's date from its own (movable) time, not the machine's", () => {
    const clock = new Clock();
    const real = new Date().toISOString().slice(0, 10);
    expect([real, clock.now().toISOString().slice(0, 10)]).toContain(clock.today());
    clock.advance(400 * 86_400_000);
    const later = clock.today();
    expect(later).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(later > real).toBe(true);
    expect(Date.parse(`${later}T00:00:00Z`) - Date.parse(`${real}T00:00:00Z`)).toBeGreaterThanOrEqual(399 * 86_400_000);
  });
});
