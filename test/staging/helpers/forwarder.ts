/**
 * A TCP forwarder standing in for the database server, so that "the server went away" and "the
 * network went silent" can be played without touching the PostgreSQL cluster other tests share.
 * While `silent`, every byte is dropped both ways (a black hole: nothing is closed).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface Forwarder {
  port: number;
  silent: boolean;
  /** Stops listening and closes every forwarded connection. */
  close(): Promise<void>;
}

export async function forwarder(target: URL): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const state = { silent: false };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (d) => void (state.silent || upstream.write(d)));
    upstream.on('data', (d) => void (state.silent || client.write(d)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get silent() {
      return state.silent;
    },
    set silent(v: boolean) {
      state.silent = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
