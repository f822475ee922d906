/**
 * A hostile Oro: an HTTP proxy in front of the sandbox that, by rule, rewrites its JSON answers
 * (garbage timestamps and ids), answers in its place (HTML maintenance pages, empty or cut-off
 * bodies, endless `links.next`, huge pages) or sends the answer one byte at a time. Used by the
 * hostile-input tests and the hostile phase of `npm run chaos`. Never shipped to users' runs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileRequest {
  method: string;
  /** Path without the query string, e.g. `/admin/api/orders`. */
  path: string;
  query: string;
  /** The request's headers (e.g. `x-include: noHateoas` on an incremental read). */
  headers: http.IncomingHttpHeaders;
}

export interface HostileAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface HostileRule {
  /** Which requests the rule applies to; default every API request (not the token endpoint). */
  match?: (req: HostileRequest) => boolean;
  /** Changes the parsed JSON answer of the sandbox before it is sent on. */
  rewrite?: (body: unknown, req: HostileRequest) => unknown;
  /** Changes the sandbox's answer as text (a cut-off body), after `rewrite`. */
  rewriteText?: (text: string, req: HostileRequest) => string;
  /** Answers instead of the sandbox (null: the sandbox answers, through `rewrite`/`rewriteText`). */
  answer?: (req: HostileRequest) => HostileAnswer | null;
  /** Sends the answer one byte every this many ms (headers at once). */
  dribbleMs?: number;
  /** Waits this long before answering. */
  delayMs?: number;
  /** Runs before the request is answered (a test changing something while Oro works). */
  before?: (req: HostileRequest) => Promise<void> | void;
  /** How many requests the rule applies to (default: all). */
  times?: number;
  /** Counts the answers this rule changed under this name in `served` (default `hostile`). */
  label?: string;
}

export interface HostileOro {
  url: string;
  /** Requests received (API and token). */
  count: number;
  /**
   * Hostile answers sent, by rule label: answers a rule made, dribbled or delayed, and sandbox
   * answers a rewrite changed (a rewrite that left the answer as it was is not counted).
   */
  served: Map<string, number>;
  setRules(rules: HostileRule[]): void;
  close(): Promise<void>;
}

const isApi = (r: HostileRequest): boolean => r.path.startsWith('/admin/api/');

/** `upstream`: the sandbox's URL, or a function giving it (when the sandbox starts later). */
export async function startHostileOro(
  upstream: string | (() => string),
  initial: HostileRule[] = [],
): Promise<HostileOro> {
  let rules = initial.map((r) => ({ ...r }));
  const target = (): URL => new URL(typeof upstream === 'string' ? upstream : upstream());
  const sockets = new Set<import('node:net').Socket>();
  const state = { count: 0 };
  const served = new Map<string, number>();
  const serve = (rule: HostileRule): void => {
    const label = rule.label ?? 'hostile';
    served.set(label, (served.get(label) ?? 0) + 1);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.count++;
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const hr: HostileRequest = {
        method: req.method ?? 'GET',
        path: q === -1 ? raw : raw.slice(0, q),
        query: q === -1 ? '' : raw.slice(q + 1),
        headers: req.headers,
      };
      const rule = rules.find((r) => (r.times ?? 1) > 0 && (r.match ?? isApi)(hr));
      if (rule && rule.times !== undefined) rule.times--;
      void handle(req, res, hr, Buffer.concat(chunks), rule).catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    hr: HostileRequest,
    body: Buffer,
    rule: HostileRule | undefined,
  ): Promise<void> {
    if (rule?.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
    await rule?.before?.(hr);
    let answer = rule?.answer?.(hr) ?? null;
    let changed = answer !== null || rule?.dribbleMs !== undefined || rule?.delayMs !== undefined;
    if (answer === null) {
      answer = await forward(req, body);
      const own = answer.body;
      if (rule?.rewrite && answer.body !== '') {
        try {
          const parsed = JSON.parse(answer.body) as unknown;
          const plain = JSON.stringify(parsed);
          const next = JSON.stringify(rule.rewrite(parsed, hr));
          if (next !== plain) answer.body = next;
        } catch {
          // not JSON (an error page of the sandbox): sent on as it is
        }
      }
      if (rule?.rewriteText) answer.body = rule.rewriteText(answer.body, hr);
      changed ||= answer.body !== own;
    }
    if (rule && changed) serve(rule);
    const bytes = Buffer.from(answer.body, 'utf8');
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(bytes.length) });
    if (!rule?.dribbleMs) {
      res.end(bytes);
      return;
    }
    // The client giving up (its deadline) ends the trickle.
    let gone = false;
    res.on('close', () => (gone = true));
    for (let i = 0; i < bytes.length && !gone && !res.destroyed; i++) {
      res.write(bytes.subarray(i, i + 1));
      await new Promise((r) => setTimeout(r, rule.dribbleMs));
    }
    res.end();
  }

  function forward(req: http.IncomingMessage, body: Buffer): Promise<HostileAnswer> {
    return new Promise((resolve, reject) => {
      const to = target();
      const headers = { ...req.headers, host: to.host };
      const up = http.request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
        (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(r.headers)) {
              if (v === undefined || k === 'content-length' || k === 'transfer-encoding') continue;
              h[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolve({ status: r.statusCode ?? 502, headers: h, body: Buffer.concat(parts).toString('utf8') });
          });
          r.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get count() {
      return state.count;
    },
    served,
    setRules(next) {
      rules = next.map((r) => ({ ...r }));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Rewrites one attribute of the records (and included resources) whose id is in `ids`. */
export function setAttribute(ids: readonly string[], name: string, value: unknown) {
  return (body: unknown): unknown => {
    const doc = body as { data?: unknown; included?: unknown };
    for (const list of [doc.data, doc.included]) {
      for (const r of Array.isArray(list) ? list : list ? [list] : []) {
        const rec = r as { id?: string; type?: string; attributes?: Record<string, unknown> };
        if (rec.attributes && ids.includes(String(rec.id)) && (name !== 'updatedAt' || list === doc.data))
          rec.attributes[name] = value;
      }
    }
    return body;
  };
}

/** An HTML page with status 200, as a proxy's maintenance page. */
export const maintenancePage = (): HostileAnswer => ({
  status: 200,
  headers: { 'Content-Type': 'text/html; charset=UTF-8' },
  body: '<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>Back soon.</body></html>',
});
