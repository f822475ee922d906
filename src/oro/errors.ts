/**
 * Record-level Oro failures (docs/oro.md): Oro rejected this one request (400 validation,
 * 404 unknown id, 409 conflict). The job quarantines or marks the record and carries on.
 * Retriable and fatal failures are not this class: they surface as ServiceUnavailableError.
 */
import { SagesyncError, ServiceUnavailableError } from '../errors.js';

/** One JSON:API error object as Oro sends it (`status` is a string). */
export interface OroErrorObject {
  status?: string;
  title?: string;
  detail?: string;
  code?: string;
  source?: { pointer?: string; parameter?: string };
}

export class OroRecordError extends SagesyncError {
  readonly kind = 'records' as const;
  readonly status: number;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly source: { pointer?: string; parameter?: string } | undefined;
  /** Every error object of the response (Oro may report several validation errors at once). */
  readonly errors: readonly OroErrorObject[];
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, status: number, errors: OroErrorObject[]) {
    const first = errors[0];
    const where = first?.source?.pointer ?? first?.source?.parameter;
    const what = [first?.title, first?.detail].filter(Boolean).join(': ') || 'no error details';
    super(`Oro rejected ${method} ${path} (${status}): ${what}${where ? ` [${where}]` : ''}`);
    this.status = status;
    this.title = first?.title;
    this.detail = first?.detail;
    this.source = first?.source;
    this.errors = errors;
    this.method = method;
    this.path = path;
  }
}

/** Reads Oro's `{"errors":[…]}` body; tolerant of anything else (proxies answer HTML). */
export function errorObjects(body: unknown): OroErrorObject[] {
  if (body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: OroErrorObject[] }).errors;
  }
  return [];
}

/**
 * A 404 that is no answer about a record (docs/oro.md "What happens when something fails"): the
 * Web API feature off, a wrong `oro.url`/`oro.apiPath`, or a resource type this Oro does not
 * have. Fatal like any ServiceUnavailableError (exit 69); its own class so that test-connection,
 * once the built-in resources answered, can name the resource a stream configures.
 */
export class OroNotFoundError extends ServiceUnavailableError {
  constructor(message: string, options?: { hint?: string }) {
    super('oro', message, options);
  }
}
