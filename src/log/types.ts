/** The logger the jobs receive (winston underneath, see src/log/logger.ts). */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** A logger that adds `meta` (e.g. `{ job, runId }`) to every line; absent on test stand-ins. */
  child?(meta: Record<string, unknown>): Logger;
}

/** One HTTP exchange or SQL statement, for communication logging. */
export type CommunicationEvent =
  | {
      kind: 'http';
      method: string;
      url: string;
      status: number | null;
      durationMs: number;
      requestBody?: unknown;
      responseBody?: unknown;
      error?: string;
    }
  | { kind: 'sql'; statement: string; durationMs: number; rowCount: number | null; error?: string };

export type CommunicationObserver = ((event: CommunicationEvent) => void) & {
  /** false: the observer never reads bodies, so none is prepared (metrics only count and time). */
  withBodies?: boolean;
};

/**
 * Where a component reports a secret it obtained at run time (the Oro client: each access token it
 * is issued) so that every output masks it from then on. Implemented by src/log/redact.ts.
 */
export interface SecretSink {
  addSecret(secret: string): void;
}
