/**
 * Sandbox throughput, page size 100 with line items (and addresses, customer, customer user)
 * included:
 *  - served: orders/s the sandbox serves to a raw HTTP reader that does not parse the JSON
 *    (the sandbox's own speed, the figure the issue asks for: at least 5,000 orders/s);
 *  - client: orders/s read end to end by the real client (keyset incremental read, JSON parsing,
 *    resolveOrders), i.e. what a job sees.
 * The bench harness calls runSandboxBench() or runs `node dist-tools/tools/bench/sandbox-bench.js [orders]`.
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { configSchema } from '../../src/config/schema.js';
import { createOroClient } from '../../src/oro/client.js';
import { ORDER_INCLUDE } from '../../src/oro/resolve.js';
import { startSandbox } from '../sandbox/index.js';

export interface SandboxBenchResult {
  orders: number;
  lines: number;
  seconds: number;
  /** End to end through the client. */
  ordersPerSecond: number;
  /** Served by the sandbox to a reader that does not parse. */
  servedOrdersPerSecond: number;
  servedMegabytes: number;
  /** Served per CPU-second of this process: comparable across machines under load. */
  servedOrdersPerCpuSecond: number;
}

/** Reads every order page by page (sort id, page[number]) without parsing; returns bytes read. */
async function rawRead(url: string, token: string, orders: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const include = ORDER_INCLUDE.join(',');
  let bytes = 0;
  for (let page = 1; (page - 1) * 100 < orders; page++) {
    bytes += await new Promise<number>((resolve, reject) => {
      const req = http.get(
        `${url}/admin/api/orders?include=${include}&page[size]=100&page[number]=${page}`,
        {
          agent,
          headers: {
            Accept: 'application/vnd.api+json',
            Authorization: `Bearer ${token}`,
            'X-Include': 'noHateoas',
          },
        },
        (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(n) : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
    });
  }
  agent.destroy();
  return bytes;
}

export async function runSandboxBench(orders = 20_000): Promise<SandboxBenchResult> {
  const sandbox = await startSandbox({ recordRequests: false, seed: { orders, seed: 3 } });
  const config = configSchema.parse({
    oro: { url: sandbox.url, clientId: 'sagesync', clientSecret: 'sandbox-secret', pageSize: 100 },
  });
  const client = createOroClient(config);
  try {
    // Warm-up read (JIT, serialisation caches are per record: this measures the steady state).
    const read = async (): Promise<{ n: number; lines: number }> => {
      let n = 0;
      let lines = 0;
      const pages = client.readIncremental('orders', {
        since: null,
        overlapSeconds: 0,
        include: ORDER_INCLUDE,
      });
      for await (const page of pages) {
        for (const o of client.resolveOrders(page)) {
          n++;
          lines += o.lineItems.length;
        }
      }
      return { n, lines };
    };
    await read();
    const tokenRes = await fetch(`${sandbox.url}/oauth2-token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'sagesync',
        client_secret: 'sandbox-secret',
      }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    let started = performance.now();
    const cpu = process.cpuUsage();
    const bytes = await rawRead(sandbox.url, token, orders);
    const served = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    started = performance.now();
    const { n, lines } = await read();
    const seconds = (performance.now() - started) / 1000;
    return {
      orders: n,
      lines,
      seconds,
      ordersPerSecond: Math.round(n / seconds),
      servedOrdersPerSecond: Math.round(orders / served),
      servedMegabytes: Math.round(bytes / 1e6),
      servedOrdersPerCpuSecond: Math.round(orders / cpuSeconds),
    };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runSandboxBench(Number(process.argv[2] ?? 20_000));
  console.log(
    `sandbox served: ${r.servedOrdersPerSecond} orders/s, ${r.servedOrdersPerCpuSecond} orders per CPU-second (${r.servedMegabytes} MB, page size 100, lines included)`,
  );
  console.log(
    `client read:    ${r.ordersPerSecond} orders/s (${r.orders} orders, ${r.lines} lines in ${r.seconds.toFixed(2)} s, keyset incremental)`,
  );
}
