/** Raw HTTP helpers for testing the sandbox against Oro's documented behaviour (docs/oro.md). */
import type { Sandbox } from '../../tools/sandbox/index.js';

export const CLIENT = { clientId: 'sagesync', clientSecret: 'sandbox-secret' };
export const JSON_API = 'application/vnd.api+json';

export async function token(sb: Sandbox): Promise<string> {
  const res = await fetch(`${sb.url}/oauth2-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk arbitrary JSON:API documents
  json: any;
}

export async function api(
  sb: Sandbox,
  bearer: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; apiPath?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    Accept: JSON_API,
    Authorization: `Bearer ${bearer}`,
    ...init.headers,
  };
  if (init.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = JSON_API;
  const res = await fetch(`${sb.url}${init.apiPath ?? '/admin/api/'}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined
      ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
      : {}),
  });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text && isJson ? JSON.parse(text) : undefined,
  };
}
