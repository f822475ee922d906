import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommunicationObserver } from '../../src/log/communication.js';
import { createLogger } from '../../src/log/logger.js';
import { Redactor } from '../../src/log/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'sagesync-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const logging = { level: 'info', format: 'auto', communication: true } as const;

describe('createLogger', () => {
  it('writes JSON lines off a TTY, masks secrets, and honours levels', async () => {
    const out = capture();
    const redactor = new Redactor();
    redactor.addSecret('very-secret-token');
    const file = join(dir, 'a.log');
    const logger = createLogger({ ...logging, file }, { stream: out.stream, redactor });
    logger.info('got very-secret-token', { headers: { Authorization: 'Bearer very-secret-token' } });
    logger.debug('hidden at info');
    logger.warn('careful', { password: 'pw-123456' });
    await logger.close();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(first.level).toBe('info');
    const all = out.text() + readFileSync(file, 'utf8');
    expect(all).not.toContain('very-secret-token');
    expect(all).not.toContain('pw-123456');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('--verbose logs debug, --quiet only warnings and errors, pretty format is plain text', async () => {
    const v = capture();
    const verbose = createLogger({ ...logging, format: 'pretty' }, { stream: v.stream, verbose: true });
    verbose.debug('dbg line', { n: 1 });
    await verbose.close();
    expect(v.text()).toMatch(/debug dbg line n=1/);

    const q = capture();
    const quiet = createLogger(logging, { stream: q.stream, quiet: true });
    quiet.info('not shown');
    quiet.warn('shown');
    await quiet.close();
    expect(q.text()).not.toContain('not shown');
    expect(q.text()).toContain('shown');
  });

  it('communication logging: HTTP exchanges and SQL statements, bodies only at debug', async () => {
    const out = capture();
    const logger = createLogger(logging, { stream: out.stream });
    const observe = createCommunicationObserver(logging, logger);
    expect(observe).toBeDefined();
    observe?.({
      kind: 'http',
      method: 'GET',
      url: 'https://shop/admin/api/orders',
      status: 200,
      durationMs: 12.4,
      responseBody: { data: [] },
    });
    observe?.({ kind: 'sql', statement: 'SELECT  1\n FROM x', durationMs: 3, rowCount: 1 });
    await logger.close();
    const text = out.text();
    expect(text).toContain('HTTP GET https://shop/admin/api/orders → 200 (12 ms)');
    expect(text).toContain('SQL (3 ms, 1 row) SELECT 1 FROM x');
    expect(text).not.toContain('response body');
    expect(createCommunicationObserver({ communication: false }, logger)).toBeUndefined();
  });
});
