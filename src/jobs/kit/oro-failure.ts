/**
 * How a pull job's Oro request fails (STYLE.md "Errors say what happens next"): a record-level
 * answer sets the row to ERROR with a reason, a passing one leaves it NEW for the next run, and
 * anything else is a bug or an unexpected answer that fails the job.
 */
import { SagesyncError } from '../../errors.js';
import { OroRecordError } from '../../oro/errors.js';

/** `sync_message` is nvarchar(1000) in the contract; our own messages must fit, never be cut by the DB. */
const SYNC_MESSAGE_MAX = 1000;

export function clip(message: string, max = SYNC_MESSAGE_MAX): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

/**
 * A failure of one Oro request. `record`: Oro answered 400/403/404, the request as built can never
 * succeed (oroinc/platform src/Oro/Bundle/ApiBundle/Processor/GetConfig/Rest/CompleteStatusCodes.php
 * @6.1.0: validation errors are 400), so the row goes to ERROR. `passing`: Oro unreachable, 5xx or timeout
 * after the client's retries, or refused credentials: the row stays NEW for the next run.
 */
export type OroFailure =
  | { kind: 'record'; status: number; detail: string; title: string }
  | { kind: 'passing'; error: SagesyncError };

export type RecordFailure = Extract<OroFailure, { kind: 'record' }>;

export function classifyOroError(err: unknown): OroFailure {
  if (err instanceof OroRecordError) {
    const detail = err.detail ?? err.message;
    return { kind: 'record', status: err.status, detail, title: err.title ?? '' };
  }
  if (err instanceof SagesyncError && err.kind === 'unavailable') return { kind: 'passing', error: err };
  // Anything else is a bug or an unexpected answer: let the runner report it as the job's failure.
  throw err;
}

/**
 * The reason for a row whose record Oro refused with 403: the record is outside the access level
 * of the role of the user that owns the OAuth application (oroinc/orocommerce
 * src/Oro/Bundle/OrderBundle/Tests/Functional/Api/RestJsonApi/OrderShippingTrackingTest.php @6.1.0:
 * 403 "No access to the entity."), which is what to fix.
 */
export function accessDeniedMessage(
  what: string,
  permission: 'View' | 'Edit' | 'Create',
  f: OroFailure,
): string {
  const detail = f.kind === 'record' ? f.detail : '';
  return clip(
    `Oro denied the API user access to ${what} (403: ${detail}). Give the role of the user that owns the ` +
      `OAuth application the ${permission} permission on it at an access level that reaches this record ` +
      `(System > User Management > Roles, e.g. Organization instead of User), then set this row back to NEW.`,
  );
}
