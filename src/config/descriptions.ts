/**
 * One line per key for the generated JSON Schema (editors show it on hover). The full reference
 * with defaults and environment variables is docs/configuration.md.
 */
export const KEY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  oro: 'The OroCommerce application and its Admin API (OAuth 2 client credentials).',
  'oro.url': 'Base URL of the OroCommerce application; the API lives under oro.apiPath.',
  'oro.apiPath':
    "Path of Oro's back-office API: its backend prefix followed by /api (default /admin/api); the token stays at /oauth2-token.",
  'oro.allowInsecureHttp':
    'Silence the warning about a plain http:// oro.url (loopback addresses are never warned about).',
  'oro.tls': "Trust for Oro's HTTPS certificate.",
  'oro.tls.caFile':
    "PEM file of the private certificate authority that issued Oro's certificate; it is then trusted instead of the system's authorities.",
  'oro.clientId': "Client id of the OAuth 2 client-credentials application created in Oro's back-office.",
  'oro.clientSecret': 'Client secret of that application. Prefer the environment or clientSecretFile.',
  'oro.clientSecretFile': 'Read the client secret from this file (trailing newline trimmed).',
  'oro.pageSize': 'JSON:API page size (1-1000).',
  'oro.timeoutMs':
    'Total time one HTTP request may take, first byte sent to last byte read, in milliseconds.',
  'oro.maxResponseBytes':
    'Largest answer accepted from Oro, in bytes; a larger one fails the run as Oro unavailable.',
  'oro.maxPagesPerRead': 'Requests one listing or incremental read may make before sagesync stops it.',
  'oro.creditLimitField': 'The customer attribute (a custom field created in Oro) that pull-credit sets.',
  'oro.apiVersion': 'Oro API shape: 6.0 or 6.1; detected from the server when not set.',
  'oro.overlapSeconds': 'Seconds re-read behind the cursor so late commits are not missed.',
  'oro.maxRetries': 'Retries of a retriable request (network, 5xx, 429) before leaving it for the next run.',
  'oro.concurrency':
    'Requests in flight when push-orders fetches new orders in full (1-16; 1: one at a time).',
  staging: 'The staging database shared with Sage X3.',
  'staging.dialect': 'mssql, postgres, or embedded (an in-process database in staging.path).',
  'staging.url': 'A connection URL, instead of host/port/database/user/password.',
  'staging.host': 'Database server host name.',
  'staging.port': 'Database server port (1433 for SQL Server, 5432 for PostgreSQL when not set).',
  'staging.database': 'Database name.',
  'staging.user': 'Database user.',
  'staging.password': 'Database password. Prefer the environment or passwordFile.',
  'staging.passwordFile': 'Read the database password from this file (trailing newline trimmed).',
  'staging.schema': 'Schema of the staging tables (default dbo on SQL Server, public on PostgreSQL).',
  'staging.tablePrefix': 'Prefix of the staging table names.',
  'staging.path': 'Data directory of the embedded database (relative to the configuration file).',
  'staging.statementTimeoutMs':
    'Total time one database statement may take, in milliseconds (SQL Server and PostgreSQL; not the embedded database): past it the statement is cancelled and retried like a deadlock, then the job stops with exit 69.',
  'staging.tls': 'Encryption of the database connection: on, with certificates verified, unless turned off.',
  'staging.tls.enabled': 'Encrypt the database connection.',
  'staging.tls.caFile': 'PEM file of a private certificate authority to trust.',
  'staging.tls.rejectUnauthorized': 'Verify the server certificate.',
  'staging.tls.serverName': 'Name expected in the server certificate (needed through an SSH tunnel).',
  'staging.sshTunnel': 'When set, the database connection goes through this SSH tunnel.',
  'staging.sshTunnel.host': 'SSH server host name.',
  'staging.sshTunnel.port': 'SSH server port.',
  'staging.sshTunnel.username': 'SSH user name.',
  'staging.sshTunnel.privateKeyFile': 'Private key file (OpenSSH or PEM).',
  'staging.sshTunnel.passphrase': "The private key's passphrase. Prefer the environment or passphraseFile.",
  'staging.sshTunnel.passphraseFile': "Read the private key's passphrase from this file.",
  'staging.sshTunnel.hostKeySha256':
    "The SSH server's host key fingerprint (SHA256:...), checked on connect.",
  monitoring: "A dead-man's switch and metrics for a monitoring system.",
  'monitoring.heartbeat':
    "A dead-man's-switch check (healthchecks.io style) pinged at the start and end of every job run.",
  'monitoring.heartbeat.url': 'Ping URL; /start and /fail are appended. Treated as a secret in logs.',
  'monitoring.heartbeat.timeoutMs':
    'Longest a ping may take; a slow or down server never delays the run more.',
  'monitoring.textfile':
    "Write each run's metrics to this file for node_exporter's textfile collector (name it *.prom).",
  'monitoring.pushgateway':
    "Push each run's metrics to a Prometheus Pushgateway, grouped by job and instance.",
  'monitoring.pushgateway.url': 'Base URL of the Pushgateway, e.g. http://pushgateway:9091.',
  'monitoring.pushgateway.job': 'The job label of the group.',
  'monitoring.pushgateway.instance': "The instance label of the group (default: this host's name).",
  'monitoring.pushgateway.timeoutMs':
    'Longest a push may take; a slow or down Pushgateway never delays the run more.',
  notifications: 'E-mail about sync problems.',
  'notifications.to': 'E-mail addresses that receive sync problems.',
  'notifications.from': 'Sender address of those e-mails.',
  'notifications.smtp': 'The SMTP server that sends them.',
  'notifications.smtp.host': 'SMTP server host name.',
  'notifications.smtp.port': 'SMTP port (587 STARTTLS, 465 implicit TLS).',
  'notifications.smtp.secure': 'true for implicit TLS (port 465), false for STARTTLS.',
  'notifications.smtp.user': 'SMTP user name.',
  'notifications.smtp.password': 'SMTP password. Prefer the environment or passwordFile.',
  'notifications.smtp.passwordFile': 'Read the SMTP password from this file (trailing newline trimmed).',
  'notifications.smtp.rejectUnauthorized': "Verify the SMTP server's certificate.",
  'notifications.smtp.timeoutMs':
    'Total deadline for one e-mail in milliseconds (connecting, TLS, authentication and sending), however slowly the server answers.',
  'notifications.throttleMinutes': 'The same problem is e-mailed at most once in this window.',
  logging: 'Logging.',
  'logging.level': 'error, warn, info or debug.',
  'logging.format': 'auto (pretty on a terminal, JSON lines otherwise), pretty or json.',
  'logging.file':
    'Also log to this file (JSON lines, created 0600). A symbolic link is not followed; when the file cannot be opened or written (a directory, a read-only or full disk), the run warns on stderr and goes on logging there.',
  'logging.communication': 'Log every HTTP exchange and SQL statement with timing; secrets masked.',
  'logging.journald':
    'Prefix each console line with its syslog priority (<3> error, <4> warn, <6> info, <7> debug) so that journald records it: for systemd units.',
  orders: 'Which orders are staged, and how.',
  'orders.criteria':
    'Which orders may be sent: a filter on order attributes, or a function in a JS/TS config.',
  'orders.customAttributes':
    'Extra Oro order attributes copied into custom_attributes (JSON key: attribute).',
  'orders.batchSize': 'Orders per staging transaction.',
  'orders.subOrders':
    'Multi-shipping sub-orders: split stages each sub-order (not their main order), main stages the main order only.',
  'orders.allowNegativeQuantity':
    'Stage order lines with a negative quantity (otherwise the order is quarantined); zero is never staged.',
  orderLines: 'Order lines.',
  'orderLines.customAttributes': 'Extra Oro line item attributes copied into custom_attributes.',
  customers: 'Customers.',
  'customers.customAttributes': 'Extra Oro customer attributes copied into custom_attributes.',
  'customers.watch':
    "Attributes whose change re-sends a customer (default: the customer's business columns).",
  'customers.sweepHours':
    'Hours over which every customer is read again and its snapshot compared, for address and user changes (0: never).',
  runAll: 'run-all.',
  'runAll.maxDurationSeconds': 'run-all starts no new batch after this many seconds.',
  streams:
    'Custom data streams: push (an Oro resource to a staging table) or pull (a staging table to Oro attributes). See docs/streams.md.',
};
