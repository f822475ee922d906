/**
 * `monitoring.heartbeat`: a dead-man's switch (issue 19). A cron job that stops running sends no
 * e-mail at all; a check that expects a ping every minute notices. The pings follow the
 * Healthchecks.io pinging API, which other services copy (https://healthchecks.io/docs/http_api/,
 * https://healthchecks.io/docs/signaling_failures/):
 *
 *   <url>/start   when a run starts
 *   <url>         when it ends with exit code 0
 *   <url>/fail    when it ends with any other code; the body's first line is `exit <code>`
 *
 * Each ping carries `rid` (a run id, so the service pairs the start with its end when runs of
 * several hosts overlap) and gives up after `timeoutMs`. A ping never fails or delays the run by
 * more than that: every failure is a warning in the log, which shows the URL's origin only (its
 * path and query are the credential; src/log/redact.ts masks them in any other text too).
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/types.js';

export type HeartbeatConfig = NonNullable<Config['monitoring']['heartbeat']>;

/** Healthchecks.io keeps the first 100 kB of a body; a short one is all a person needs. */
const MAX_BODY = 2000;

export interface Heartbeat {
  start(): Promise<void>;
  finish(exitCode: number, details: string): Promise<void>;
}

export interface HeartbeatDeps {
  logger: Logger;
}

export function createHeartbeat(cfg: HeartbeatConfig, deps: HeartbeatDeps): Heartbeat {
  const rid = randomUUID();
  const ping = async (suffix: '' | '/start' | '/fail', body: string): Promise<void> => {
    const url = new URL(cfg.url);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${suffix}`;
    url.searchParams.set('rid', rid);
    // The path and query are the credential: the log shows only where the ping went.
    const shown = `${url.origin}/…${suffix}`;
    const t0 = Date.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'sagesync' },
        body: body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 1)}…` : body,
        signal: AbortSignal.timeout(cfg.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) {
        deps.logger.warn(
          `The heartbeat ping ${shown} answered HTTP ${res.status} (the run is not affected). Check monitoring.heartbeat.url.`,
        );
      } else {
        deps.logger.debug(`Heartbeat ping ${shown}: HTTP ${res.status} in ${Date.now() - t0} ms`);
      }
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.name === 'TimeoutError'
          ? `no answer within ${cfg.timeoutMs} ms (monitoring.heartbeat.timeoutMs)`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
      deps.logger.warn(`The heartbeat ping ${shown} failed (the run is not affected): ${why}`);
    }
  };
  return {
    start: () => ping('/start', 'sagesync run started'),
    finish: (exitCode, details) =>
      exitCode === 0
        ? ping('', details.trim() || 'ok')
        : ping('/fail', `exit ${exitCode}\n${details.trim()}`.trimEnd()),
  };
}
