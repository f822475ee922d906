/**
 * Issue 21: the steady state costs Oro almost nothing, counted at the sandbox. With 2,000 orders
 * all inside the overlap window and staged, push-orders' part of an idle `run-all` (the built
 * CLI) is one GET (it was 20 full pages), and a run after ten new orders makes at most 3 requests
 * for orders. The whole idle run-all is at most 3 GETs (issue 21): push-customers reads its
 * window (one GET) and leaves out the customers the last run processed (src/oro/seen-window.ts),
 * so their addresses, users, groups and payment terms are not read again. Printed; see also
 * `npm run bench` (f).
 */
import { describe, expect, it } from 'vitest';
import { steadyState } from '../../tools/bench/steady-bench.js';
import { BACKENDS, randomSchema } from '../staging/helpers/backends.js';

const pg = BACKENDS.find((b) => b.name === 'postgres');
if (!pg?.available)
  console.warn('steady-state.test.ts: SAGESYNC_TEST_PG_URL is not set: using the embedded database');

describe('steady state', () => {
  it('an idle run-all reads orders with one GET; ten new orders cost at most 3 order requests', async () => {
    const schema = randomSchema('steady');
    const staging = pg?.available
      ? { dialect: 'postgres', url: process.env.SAGESYNC_TEST_PG_URL, schema, tls: { enabled: false } }
      : { dialect: 'embedded', path: `/tmp/sagesync-steady-${schema}` };
    try {
      const c = await steadyState({ staging });
      expect(c.catchUpRequests).toBeGreaterThan(20); // the 2,000 orders were fetched in full once
      console.log(`steady state: idle run-all ${c.idleGets} GETs:\n  ${c.idlePaths.join('\n  ')}`);
      expect(c.idleOrderGets, c.idlePaths.join('\n')).toBe(1);
      expect(c.newOrderRequests).toBeLessThanOrEqual(3);
      expect(c.idleGets, c.idlePaths.join('\n')).toBeLessThanOrEqual(3);
    } finally {
      if (pg?.available) await pg.dropSchema(schema);
    }
  }, 300_000);
});
