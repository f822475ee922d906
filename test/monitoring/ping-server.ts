/** A local HTTP server on a free port that records every request (the dead-man's-switch service). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  at: number;
}

export interface PingServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: Recorded[];
  /** ok: 200 "OK"; hang: never answers; fail: 500. */
  mode: 'ok' | 'hang' | 'fail';
  close(): Promise<void>;
}

export async function startPingServer(): Promise<PingServer> {
  const hanging: ServerResponse[] = [];
  const state: PingServer = {
    origin: '',
    requests: [],
    mode: 'ok',
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      state.requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        body,
        at: Date.now(),
      });
      if (state.mode === 'hang') return void hanging.push(res);
      res.writeHead(state.mode === 'ok' ? 200 : 500, { 'content-type': 'text/plain' });
      res.end(state.mode === 'ok' ? 'OK' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
