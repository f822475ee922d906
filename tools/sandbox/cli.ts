/**
 * Standalone sandbox for demos and X3-side developers:
 *   npm run sandbox -- --port 8089 --orders 50 --seed 1 [--api-version 6.0] [--client-id id --client-secret s]
 * Prints the URL and credentials, serves until Ctrl-C. See docs/oro.md.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './index.js';
import { SANDBOX_VERSIONS } from './profile.js';

const USAGE = `Usage: npm run sandbox -- [options]
  --port N               port on 127.0.0.1 (default 8089; 0 = any free port)
  --host H               address to listen on (default 127.0.0.1)
  --orders N             orders to generate (default 50)
  --customers N          customers (default max(3, orders / 5))
  --seed N               data seed: the same seed gives the same data (default 1)
  --api-version V        Oro release to behave as: 6.0, 6.1.0, 6.1.8, 6.1.10 or 6.1
                         (= the newest 6.1; default)
  --backend-prefix P     Oro's web_backend_prefix (default /admin; API under P/api/)
  --big-orders N         orders of 100-250 lines added to the data (default 0)
  --client-id ID         OAuth client id (default sagesync)
  --client-secret S      OAuth client secret (default sandbox-secret)
  --same-updated-at N    consecutive orders sharing one updatedAt (default 3)
  --long-strings         add overlong names and notes
  --error-rate R         share of requests answered 500 (0..1)
  --latency-ms N         delay before each answer
  --per-record-ms N      delay per resource served (a quarter with fields[type]=…)
  --token-lifetime S     access token lifetime in seconds
See docs/oro.md.`;

function parse(): ReturnType<typeof parseOptions> | null {
  try {
    return parseOptions();
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 64;
    return null;
  }
}

function parseOptions() {
  return parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      port: { type: 'string', default: '8089' },
      host: { type: 'string', default: '127.0.0.1' },
      orders: { type: 'string', default: '50' },
      customers: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'api-version': { type: 'string', default: '6.1' },
      'backend-prefix': { type: 'string', default: '/admin' },
      'big-orders': { type: 'string', default: '0' },
      'client-id': { type: 'string', default: 'sagesync' },
      'client-secret': { type: 'string', default: 'sandbox-secret' },
      'same-updated-at': { type: 'string' },
      'long-strings': { type: 'boolean', default: false },
      'error-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      'per-record-ms': { type: 'string' },
      'token-lifetime': { type: 'string' },
    },
  });
}

const parsed = parse();
if (parsed?.values.help) console.log(USAGE);
if (parsed && !parsed.values.help) await serve(parsed.values);

async function serve(values: NonNullable<ReturnType<typeof parseOptions>>['values']): Promise<void> {
  const version = SANDBOX_VERSIONS.find((v) => v === values['api-version']);
  if (!version) {
    console.error(`--api-version must be one of ${SANDBOX_VERSIONS.join(', ')}.\n\n${USAGE}`);
    process.exitCode = 64;
    return;
  }
  const sandbox = await startSandbox({
    backendPrefix: values['backend-prefix'],
    port: Number(values.port),
    host: values.host,
    apiVersion: version,
    clients: [{ clientId: values['client-id'], clientSecret: values['client-secret'] }],
    recordRequests: false,
    seed: {
      seed: Number(values.seed),
      orders: Number(values.orders),
      ...(values.customers ? { customers: Number(values.customers) } : {}),
      ...(values['same-updated-at'] ? { sameUpdatedAt: Number(values['same-updated-at']) } : {}),
      longStrings: values['long-strings'],
      bigOrders: Number(values['big-orders']),
    },
    faults: {
      ...(values['error-rate'] ? { errorRate: { 500: Number(values['error-rate']) } } : {}),
      ...(values['latency-ms'] ? { latencyMs: Number(values['latency-ms']) } : {}),
      ...(values['per-record-ms'] ? { perRecordMs: Number(values['per-record-ms']) } : {}),
      ...(values['token-lifetime'] ? { tokenLifetimeSeconds: Number(values['token-lifetime']) } : {}),
    },
  });
  console.log(
    `Oro sandbox (API ${version}) at ${sandbox.url}  (JSON:API under ${sandbox.url}${values['backend-prefix']}/api/)`,
  );
  console.log(`client id: ${values['client-id']}  client secret: ${values['client-secret']}`);
  console.log('Ctrl-C to stop.');
  const stop = (): void => {
    void sandbox.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
