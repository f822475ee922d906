/**
 * Communication logging (`logging.communication: true`, issue 6): every HTTP exchange (method, URL,
 * status, duration; bodies at debug) and every SQL statement (duration, row count). The logger
 * masks secrets, so the Oro client and the stores may report raw events here.
 */
import type { CommunicationEvent, CommunicationObserver, Logger } from './types.js';

/** Longest body or statement text put in a log line; the rest is cut with a note. */
const MAX_TEXT = 4000;

/** The observer the Oro client and the staging stores call; undefined when logging is off. */
export function createCommunicationObserver(
  logging: { communication: boolean },
  logger: Logger,
): CommunicationObserver | undefined {
  if (!logging.communication) return undefined;
  return (event) => logCommunication(logger, event);
}

/** One observer calling both; bodies are prepared only when the log wants them. */
export function combineObservers(
  log: CommunicationObserver | undefined,
  metrics: ((event: CommunicationEvent) => void) | undefined,
): CommunicationObserver | undefined {
  if (!metrics) return log;
  if (!log) return Object.assign((e: CommunicationEvent) => metrics(e), { withBodies: false });
  return (e) => {
    metrics(e);
    log(e);
  };
}

function logCommunication(logger: Logger, event: CommunicationEvent): void {
  const ms = Math.round(event.durationMs);
  if (event.kind === 'http') {
    const status = event.status === null ? 'no response' : String(event.status);
    const meta = { method: event.method, url: event.url, status: event.status, durationMs: ms };
    const line = `HTTP ${event.method} ${event.url} → ${status} (${ms} ms)${event.error ? `: ${event.error}` : ''}`;
    if (event.error) logger.warn(line, meta);
    else logger.info(line, meta);
    if (event.requestBody !== undefined)
      logger.debug('HTTP request body', { url: event.url, body: clip(event.requestBody) });
    if (event.responseBody !== undefined)
      logger.debug('HTTP response body', { url: event.url, body: clip(event.responseBody) });
    return;
  }
  const statement = clip(event.statement.replace(/\s+/g, ' ').trim()) as string;
  const rows = event.rowCount === null ? '' : `, ${event.rowCount} row${event.rowCount === 1 ? '' : 's'}`;
  const meta = { durationMs: ms, rowCount: event.rowCount };
  const line = `SQL (${ms} ms${rows}) ${statement}${event.error ? `: ${event.error}` : ''}`;
  if (event.error) logger.warn(line, meta);
  else logger.info(line, meta);
}

function clip(value: unknown): unknown {
  const text = typeof value === 'string' ? value : safeJson(value);
  return text.length > MAX_TEXT
    ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)`
    : value;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
