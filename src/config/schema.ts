/**
 * The configuration contract (docs/contract/cli-and-config.md "Configuration") as a zod
 * schema. Defaults are the contract's. Objects are strict so that a misspelt key is reported,
 * not ignored.
 */
import { z } from 'zod';
import { buildStreamsSchema } from '../streams/config-schema.js';

const nonEmpty = z.string().min(1, 'expected a non-empty string');
const port = z.number().int().min(1).max(65535);
const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;
/** `staging.statementTimeoutMs`: SQL Server's request timeout sagesync always used. */
export const STATEMENT_TIMEOUT_DEFAULT_MS = 60_000;

/** A value in a declarative filter: compared as a string with Oro's wire value. */
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const conditionSchema = z.union([
  scalar,
  z.null(),
  z.array(scalar).min(1, 'expected at least one value'),
  z.strictObject({
    eq: scalar.optional(),
    neq: scalar.optional(),
    lt: scalar.optional(),
    lte: scalar.optional(),
    gt: scalar.optional(),
    gte: scalar.optional(),
    in: z.array(scalar).optional(),
    notIn: z.array(scalar).optional(),
    exists: z.boolean().optional(),
  }),
]);
/**
 * Declarative filter: field name (an attribute, or a relationship whose value is the related id,
 * or `relationship.attribute` of an included resource) → condition. All conditions must hold.
 */
export const filterSchema = z.record(z.string().min(1), conditionSchema);

/** `customAttributes`: JSON key → Oro attribute name; an array is shorthand for same-name keys. */
const customAttributesSchema = z
  .union([z.record(z.string().min(1), z.string().min(1)), z.array(z.string().min(1))])
  .default({})
  .transform((v) => (Array.isArray(v) ? Object.fromEntries(v.map((k) => [k, k])) : v));

const criteriaSchema = z.union([
  filterSchema,
  z.custom<OrderCriteriaFunction>((v) => typeof v === 'function', 'expected a filter object or a function'),
]);

/** Given the order with its included resources; may be async. */
export type OrderCriteriaFunction = (order: unknown) => boolean | Promise<boolean>;

/** The parsed URL, or undefined when it is not one (z.url reports that). */
function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export const configSchema = z.strictObject({
  oro: z.strictObject({
    url: z
      .url({
        message: 'expected the base URL of the OroCommerce application, e.g. https://shop.example.com',
      })
      .refine((u) => /^https?:$/.test(urlOf(u)?.protocol ?? 'http:'), {
        message: 'expected an https:// (or http://) address; other schemes are not an Oro server',
      })
      .refine((u) => !urlOf(u)?.username && !urlOf(u)?.password, {
        message:
          'must not hold a user name or password (they would be sent to Oro and into logs): use oro.clientId and oro.clientSecret',
      }),
    /** Plain http:// to a host other than this machine is warned about on every run unless true. */
    allowInsecureHttp: z.boolean().default(false),
    /** Trust for Oro's certificate: a private certificate authority's PEM file (issue 18, point 22). */
    tls: z.strictObject({ caFile: nonEmpty.optional() }).prefault({}),
    clientId: nonEmpty,
    clientSecret: nonEmpty,
    /** Read the client secret from this file (a Kubernetes secret mount); trailing newline trimmed. */
    clientSecretFile: nonEmpty.optional(),
    /**
     * Oro's back-office API path: `{web_backend_prefix}/api`, `/admin/api` unless the Oro instance
     * changed its backend prefix (docs/oro.md; oroinc/customer-portal
     * src/Oro/Bundle/FrontendBundle/DependencyInjection/OroFrontendExtension.php). The token
     * endpoint stays at `/oauth2-token`.
     */
    apiPath: z
      .string()
      // At least one segment: "/" alone would send every request to {oro.url}/orders.
      .regex(/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-][A-Za-z0-9._~\-/]*$/, {
        message:
          'expected a path starting with "/", e.g. /admin/api (Oro\'s backend prefix followed by /api)',
      })
      .transform((p) => p.replace(/\/+$/, ''))
      .default('/admin/api'),
    pageSize: z.number().int().min(1).max(1000).default(100),
    /** Total time of one request, first byte sent to last byte read (not an idle timeout). */
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /**
     * Largest answer accepted, in bytes. A page of 1,000 orders with their lines, addresses and
     * customers is a few MB; 64 MiB leaves room for long notes and many lines without letting a
     * broken server fill the memory.
     */
    maxResponseBytes: z
      .number()
      .int()
      .min(65_536)
      .max(1024 * 1024 * 1024)
      .default(64 * 1024 * 1024),
    /** Requests one read may make before sagesync stops it (a server that never ends a listing). */
    maxPagesPerRead: z.number().int().min(1).max(10_000_000).default(10_000),
    creditLimitField: nonEmpty.default('creditLimit'),
    apiVersion: z.enum(['6.0', '6.1']).optional(),
    /** Seconds re-read behind the cursor so late commits with older `updatedAt` are not lost. */
    // Every number has an upper bound (issue 18, point 13): 1e13 here used to reach Date arithmetic.
    overlapSeconds: z.number().int().min(0).max(WEEK_SECONDS).default(300),
    /** Retries of a retriable request before the job gives up on it for this run. */
    maxRetries: z.number().int().min(0).max(20).default(5),
    /** Requests in flight when push-orders fetches full orders (1: one at a time). */
    concurrency: z.number().int().min(1).max(16).default(4),
  }),
  staging: z
    .strictObject({
      dialect: z.enum(['mssql', 'postgres', 'embedded']).default('mssql'),
      url: nonEmpty.optional(),
      host: nonEmpty.optional(),
      port: port.optional(),
      database: nonEmpty.optional(),
      user: nonEmpty.optional(),
      password: z.string().optional(),
      /** Read the password from this file; trailing newline trimmed. */
      passwordFile: nonEmpty.optional(),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case unquoted identifier')
        .optional(),
      tablePrefix: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case unquoted identifier prefix such as sagesync_')
        // With a stream's table name (at most 40) within PostgreSQL's 63-byte names.
        .max(23, 'expected at most 23 characters (table names are added to it; PostgreSQL names hold 63)')
        .default('sagesync_'),
      /** Data directory of the embedded database. */
      path: nonEmpty.default('.sagesync/staging'),
      /**
       * Total time one database statement may take (SQL Server requestTimeout, PostgreSQL
       * statement_timeout); src/staging/retry.ts says what happens then.
       */
      statementTimeoutMs: z.number().int().min(100).max(3_600_000).default(STATEMENT_TIMEOUT_DEFAULT_MS),
      tls: z
        .strictObject({
          enabled: z.boolean().default(true),
          caFile: nonEmpty.optional(),
          rejectUnauthorized: z.boolean().default(true),
          /** Name expected in the server certificate when connecting through a tunnel. */
          serverName: nonEmpty.optional(),
        })
        .prefault({}),
      sshTunnel: z
        .strictObject({
          host: nonEmpty,
          port: port.default(22),
          username: nonEmpty,
          privateKeyFile: nonEmpty,
          passphrase: z.string().optional(),
          /** Read the private key's passphrase from this file; trailing newline trimmed. */
          passphraseFile: nonEmpty.optional(),
          hostKeySha256: nonEmpty,
        })
        .optional(),
    })
    .prefault({}),
  notifications: z
    .strictObject({
      to: z.array(z.email({ message: 'expected an e-mail address' })).default([]),
      from: z.email({ message: 'expected an e-mail address' }).optional(),
      smtp: z
        .strictObject({
          host: nonEmpty,
          port: port.default(587),
          secure: z.boolean().default(false),
          user: nonEmpty.optional(),
          password: z.string().optional(),
          /** Read the SMTP password from this file; trailing newline trimmed. */
          passwordFile: nonEmpty.optional(),
          rejectUnauthorized: z.boolean().default(true),
          /** Total deadline for one e-mail (connect, TLS, authentication, sending). */
          timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
        })
        .optional(),
      throttleMinutes: z
        .number()
        .int()
        .min(1)
        .max(WEEK_SECONDS / 60)
        .default(60),
    })
    .prefault({}),
  /** Dead-man's switch and metrics (issue 19, docs/operations.md "Monitoring"). */
  monitoring: z
    .strictObject({
      heartbeat: z
        .strictObject({
          url: z.url({
            protocol: /^https?$/,
            message:
              "expected the http(s) ping URL of a dead-man's-switch check, e.g. https://hc-ping.com/<uuid>",
          }),
          timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        })
        .optional(),
      /** A file for node_exporter's textfile collector (name it *.prom), rewritten atomically. */
      textfile: nonEmpty.optional(),
      pushgateway: z
        .strictObject({
          url: z.url({
            protocol: /^https?$/,
            message: 'expected the base URL of a Prometheus Pushgateway, e.g. http://pushgateway:9091',
          }),
          job: nonEmpty.default('sagesync'),
          /** Default: this host's name. */
          instance: nonEmpty.optional(),
          timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        })
        .optional(),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
      format: z.enum(['auto', 'pretty', 'json']).default('auto'),
      file: nonEmpty.optional(),
      communication: z.boolean().default(false),
      /** Prefix console lines with their syslog priority (`<3>`…) for journald (issue 20). */
      journald: z.boolean().default(false),
    })
    .prefault({}),
  orders: z
    .strictObject({
      criteria: criteriaSchema.optional(),
      customAttributes: customAttributesSchema,
      /**
       * Multi-shipping sub-orders (docs/oro.md): `split` stages the sub-orders and not a main
       * order that has them; `main` stages the main order and not its sub-orders.
       */
      subOrders: z.enum(['split', 'main']).default('split'),
      /** Orders per staging transaction. */
      batchSize: z.number().int().min(1).max(1000).default(100),
      /**
       * Stage a line (or kit component) whose quantity is negative (returns or credit lines X3 is
       * set up for); without it such an order is quarantined. Zero is never staged.
       */
      allowNegativeQuantity: z.boolean().default(false),
    })
    .prefault({}),
  orderLines: z.strictObject({ customAttributes: customAttributesSchema }).prefault({}),
  customers: z
    .strictObject({
      customAttributes: customAttributesSchema,
      watch: z.array(nonEmpty).min(1).optional(),
      /**
       * Hours over which every customer is read again and its snapshot hash compared (0: never):
       * address and user changes do not move a customer's `updatedAt` (docs/push.md).
       */
      sweepHours: z.number().min(0).max(8760).default(24),
    })
    .prefault({}),
  runAll: z
    .strictObject({ maxDurationSeconds: z.number().int().min(1).max(DAY_SECONDS).default(50) })
    .prefault({}),
  /** Custom data streams (issue 8, docs/streams.md): more Oro resources and X3 tables by configuration. */
  streams: buildStreamsSchema(filterSchema),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = DeepReadonly<z.output<typeof configSchema>>;

type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
