/**
 * Sends every body to url the way Exact does: each one again (after delayMs) until it gets a 2xx.
 * Returns the running promise and a live view of how many got through and how often each was answered.
 */
export function sendUntilAccepted(url: string, bodies: string[], senders: number, delayMs: number) {
  const answered = new Array<number>(bodies.length).fill(0);
  const stats = { accepted: 0, failures: 0, answered };
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const i = next++;
      for (;;) {
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodies[i] });
          await res.arrayBuffer();
          if (res.ok) {
            answered[i]++;
            stats.accepted++;
            break;
          }
        } catch {
          /* refused or reset while Koppel is down */
        }
        stats.failures++;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  };
  return { stats, done: Promise.all(Array.from({ length: senders }, sender)).then(() => undefined) };
}
