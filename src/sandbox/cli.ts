/**
 * Standalone sandbox for demos and X3-side developers:
 *   node dist/sandbox/cli.js --port 8089 --orders 50 --seed 1 [--api-version 6.0] [--client-id id --client-secret s]
 * Prints the URL and credentials, serves until Ctrl-C. See docs/oro.md.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8089' },
    host: { type: 'string', default: '127.0.0.1' },
    orders: { type: 'string', default: '50' },
    customers: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'api-version': { type: 'string', default: '6.1' },
    'client-id': { type: 'string', default: 'sagesync' },
    'client-secret': { type: 'string', default: 'sandbox-secret' },
    'same-updated-at': { type: 'string' },
    'long-strings': { type: 'boolean', default: false },
    'error-rate': { type: 'string' },
    'latency-ms': { type: 'string' },
    'token-lifetime': { type: 'string' },
  },
});

const version = values['api-version'] === '6.0' ? '6.0' : '6.1';
const sandbox = await startSandbox({
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
  },
  faults: {
    ...(values['error-rate'] ? { errorRate: { 500: Number(values['error-rate']) } } : {}),
    ...(values['latency-ms'] ? { latencyMs: Number(values['latency-ms']) } : {}),
    ...(values['token-lifetime'] ? { tokenLifetimeSeconds: Number(values['token-lifetime']) } : {}),
  },
});
console.log(`Oro sandbox (API ${version}) at ${sandbox.url}  (JSON:API under ${sandbox.url}/admin/api/)`);
console.log(`client id: ${values['client-id']}  client secret: ${values['client-secret']}`);
console.log('Ctrl-C to stop.');
const stop = (): void => {
  void sandbox.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
