/**
 * Is a 2xx answer a JSON:API document at all? A proxy's maintenance page, an empty body or cut-off
 * JSON with status 200 must not read as "no records" (an outage would look like a quiet shop):
 * these name what came back instead, for a ServiceUnavailableError (exit 69).
 * JSON:API 1.0 "Top Level": a document MUST hold at least one of `data`, `errors`, `meta`, and
 * a collection's primary data is an array (https://jsonapi.org/format/1.0/#document-top-level).
 */
import { ServiceUnavailableError } from '../errors.js';

/** What a 2xx body is when it is not a JSON:API document with `data`, or null when it is. */
export function notJsonApi(res: {
  body: unknown;
  headers: Record<string, string | undefined>;
}): string | null {
  const { body } = res;
  if (body === undefined) return 'an empty body';
  if (typeof body === 'string') {
    const head = body.trimStart();
    const type = res.headers['content-type'] ?? 'no content type';
    if (head.startsWith('<')) return `an HTML or XML page (${type}) that begins ${quote(head)}`;
    if (head.startsWith('{') || head.startsWith('['))
      return `malformed or cut-off JSON that begins ${quote(head)}`;
    return `text that is not JSON (${type}): ${quote(head)}`;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return `JSON that is not a JSON:API document (${Array.isArray(body) ? 'a list' : typeof body})`;
  }
  if (!('data' in body)) return 'a JSON document without "data"';
  return null;
}

/** A listing's `data` must be a list; `label` names the request for the message. */
export function assertListData(data: unknown, label: string): asserts data is unknown[] {
  if (Array.isArray(data)) return;
  const what = data === null ? 'null' : typeof data === 'object' ? 'a single object' : typeof data;
  throw new ServiceUnavailableError(
    'oro',
    `Oro answered the listing ${label} with "data" as ${what} instead of a list of records.`,
    { hint: 'Check oro.url (it must be the Oro application itself); the next run will try again.' },
  );
}

/** The first characters of a body, on one line, for a message. */
function quote(text: string): string {
  // Control characters and line breaks are not sent to a terminal or a log line.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const line = text.slice(0, 80).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return JSON.stringify(text.length > 80 ? `${line}…` : line);
}
