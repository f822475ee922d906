/**
 * Test bench for custom streams: the Oro sandbox with products and customer users' custom fields,
 * a configuration FILE holding the streams (as an operator writes it), and the staging backends
 * (PGlite in a directory always, PostgreSQL when SAGESYNC_TEST_PG_URL is set) in a random schema.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Backend } from '../staging/helpers/backends.js';

export const CLIENT = { clientId: 'sagesync-streams', clientSecret: 'sandbox-secret-streams' };

export const PRODUCTS_STREAM = {
  name: 'products',
  direction: 'push',
  resource: 'products',
  filter: { status: 'enabled' },
  include: ['primaryUnitPrecision'],
  table: 'product',
  key: ['sku'],
  columns: {
    oro_product_id: { source: 'id', type: 'integer', required: true },
    sku: { source: 'sku', type: 'string(255)' },
    featured: { source: 'featured', type: 'boolean' },
    inventory_status: { source: 'inventory_status', type: 'string(50)' },
    unit_code: { source: 'primaryUnitPrecision.unit', type: 'string(50)' },
    unit_precision: { source: 'primaryUnitPrecision.precision', type: 'integer' },
  },
  batchSize: 7,
};

export const RATINGS_STREAM = {
  name: 'contact-ratings',
  direction: 'pull',
  resource: 'customerusers',
  table: 'contact_rating',
  columns: {
    erp_contact_code: { type: 'string(30)', required: true },
    rating: { type: 'decimal(5,2)' },
    rated_on: { type: 'date' },
  },
  match: { column: 'erp_contact_code', attribute: 'externalId' },
  set: { erp_rating: 'rating', erp_rated_on: 'rated_on' },
};

/** Staging keys of a backend as a config file holds them (embedded: a data directory). */
export function stagingFor(backend: Backend, schema: string): Record<string, unknown> {
  // Relative: resolved against the configuration file's directory.
  if (backend.name === 'embedded') return { dialect: 'embedded', schema, path: 'staging' };
  const url = process.env.SAGESYNC_TEST_PG_URL ?? '';
  return { dialect: 'postgres', schema, url, tls: { enabled: false } };
}

/** Writes `.sagesyncrc.yaml` into a fresh directory; returns the file. */
export function writeConfig(content: Record<string, unknown>): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-streams-'));
  const file = join(dir, 'sagesync.yaml');
  writeFileSync(file, stringify(content));
  return { dir, file };
}

export function baseConfig(oroUrl: string, staging: Record<string, unknown>, streams: unknown[]) {
  return {
    oro: { url: oroUrl, ...CLIENT, maxRetries: 1, timeoutMs: 5000, pageSize: 10 },
    staging,
    logging: { level: 'error' },
    streams,
  };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`npm run build` first) without blocking this process, whose event loop
 * serves the sandbox the child talks to.
 */
export function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${root}bin/sagesync`, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
