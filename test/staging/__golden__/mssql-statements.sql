-- params: @p1 nvarchar(255)
DECLARE @rc int;
EXEC @rc = sp_getapplock @Resource = @p1, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 20000, @DbPrincipal = N'public';
IF @rc < 0 THROW 50002, N'sagesync: the migration lock was not granted', 1;

-- params: (none)
IF SCHEMA_ID(N'dbo') IS NULL EXEC(N'CREATE SCHEMA [dbo]');

-- params: @p1 nvarchar(4000)
SELECT OBJECT_ID(@p1, N'U') AS [id];

-- params: @p1 nvarchar(255)
SELECT [TABLE_NAME] AS [table_name], [COLUMN_NAME] AS [column_name], [DATA_TYPE] AS [data_type],
       [CHARACTER_MAXIMUM_LENGTH] AS [len], [NUMERIC_PRECISION] AS [prec], [NUMERIC_SCALE] AS [scale]
FROM INFORMATION_SCHEMA.COLUMNS WHERE [TABLE_SCHEMA] = @p1;

-- params: @p1 nvarchar(255)
SELECT t.[name] AS [table_name], i.[name] AS [name], c.[name] AS [column_name] FROM sys.indexes AS i
JOIN sys.tables AS t ON t.[object_id] = i.[object_id]
JOIN sys.index_columns AS ic ON ic.[object_id] = i.[object_id] AND ic.[index_id] = i.[index_id]
JOIN sys.columns AS c ON c.[object_id] = ic.[object_id] AND c.[column_id] = ic.[column_id]
WHERE t.[schema_id] = SCHEMA_ID(@p1) AND i.[name] IS NOT NULL;

-- params: @p1 nvarchar(255)
SELECT [name] FROM sys.check_constraints WHERE [schema_id] = SCHEMA_ID(@p1);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_schema_version', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_schema_version] (
  [migration] varchar(100) NOT NULL,
  [contract_version] int NOT NULL,
  [applied_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_schema_version_df_applied_at] DEFAULT SYSUTCDATETIME(),
  CONSTRAINT [sagesync_schema_version_pk_migration] PRIMARY KEY ([migration])
);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_customer', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_customer] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [oro_customer_id] int NOT NULL,
  [erp_customer_code] nvarchar(20) NULL,
  [name] nvarchar(255) NOT NULL,
  [parent_oro_customer_id] int NULL,
  [group_name] nvarchar(255) NULL,
  [payment_term] nvarchar(255) NULL,
  [email] nvarchar(255) NULL,
  [phone] nvarchar(50) NULL,
  [bill_organization] nvarchar(255) NULL,
  [bill_first_name] nvarchar(255) NULL,
  [bill_last_name] nvarchar(255) NULL,
  [bill_street] nvarchar(500) NULL,
  [bill_street2] nvarchar(500) NULL,
  [bill_city] nvarchar(255) NULL,
  [bill_postal_code] nvarchar(50) NULL,
  [bill_region_code] nvarchar(50) NULL,
  [bill_country_code] char(2) NULL,
  [bill_phone] nvarchar(50) NULL,
  [custom_attributes] nvarchar(max) NOT NULL CONSTRAINT [sagesync_customer_ck_custom_attributes] CHECK (ISJSON([custom_attributes]) = 1),
  [reason] varchar(10) NOT NULL,
  [payload_hash] char(64) NOT NULL,
  [status] varchar(10) NOT NULL CONSTRAINT [sagesync_customer_df_status] DEFAULT N'NEW',
  [erp_message] nvarchar(1000) NULL,
  [staged_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_customer_df_staged_at] DEFAULT SYSUTCDATETIME(),
  [processed_at] datetime2(3) NULL,
  CONSTRAINT [sagesync_customer_pk_staging_id] PRIMARY KEY ([staging_id]),
  CONSTRAINT [sagesync_customer_uq_oro_customer_id_payload_hash] UNIQUE ([oro_customer_id], [payload_hash])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_customer_ix_status' AND object_id = OBJECT_ID(N'dbo.sagesync_customer'))
CREATE INDEX [sagesync_customer_ix_status] ON [dbo].[sagesync_customer] ([status]);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_customer_ix_oro_customer_id' AND object_id = OBJECT_ID(N'dbo.sagesync_customer'))
CREATE INDEX [sagesync_customer_ix_oro_customer_id] ON [dbo].[sagesync_customer] ([oro_customer_id]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_order', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_order] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [oro_order_id] int NOT NULL,
  [order_identifier] nvarchar(255) NOT NULL,
  [po_number] nvarchar(255) NULL,
  [customer_notes] nvarchar(max) NULL,
  [oro_customer_id] int NOT NULL,
  [erp_customer_code] nvarchar(20) NULL,
  [oro_customer_user_id] int NULL,
  [customer_user_email] nvarchar(255) NULL,
  [currency] char(3) NOT NULL,
  [subtotal] decimal(19,4) NULL,
  [total] decimal(19,4) NOT NULL,
  [shipping_cost] decimal(19,4) NULL,
  [shipping_method] nvarchar(255) NULL,
  [payment_method] nvarchar(255) NULL,
  [payment_status] nvarchar(255) NULL,
  [ship_until] date NULL,
  [order_created_at] datetime2(3) NOT NULL,
  [bill_organization] nvarchar(255) NULL,
  [bill_first_name] nvarchar(255) NULL,
  [bill_last_name] nvarchar(255) NULL,
  [bill_street] nvarchar(500) NULL,
  [bill_street2] nvarchar(500) NULL,
  [bill_city] nvarchar(255) NULL,
  [bill_postal_code] nvarchar(50) NULL,
  [bill_region_code] nvarchar(50) NULL,
  [bill_country_code] char(2) NULL,
  [bill_phone] nvarchar(50) NULL,
  [ship_organization] nvarchar(255) NULL,
  [ship_first_name] nvarchar(255) NULL,
  [ship_last_name] nvarchar(255) NULL,
  [ship_street] nvarchar(500) NULL,
  [ship_street2] nvarchar(500) NULL,
  [ship_city] nvarchar(255) NULL,
  [ship_postal_code] nvarchar(50) NULL,
  [ship_region_code] nvarchar(50) NULL,
  [ship_country_code] char(2) NULL,
  [ship_phone] nvarchar(50) NULL,
  [custom_attributes] nvarchar(max) NOT NULL CONSTRAINT [sagesync_order_ck_custom_attributes] CHECK (ISJSON([custom_attributes]) = 1),
  [status] varchar(10) NOT NULL CONSTRAINT [sagesync_order_df_status] DEFAULT N'NEW',
  [erp_message] nvarchar(1000) NULL,
  [staged_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_order_df_staged_at] DEFAULT SYSUTCDATETIME(),
  [processed_at] datetime2(3) NULL,
  [erp_order_number] nvarchar(20) NULL,
  [parent_oro_order_id] int NULL,
  CONSTRAINT [sagesync_order_pk_staging_id] PRIMARY KEY ([staging_id]),
  CONSTRAINT [sagesync_order_uq_oro_order_id] UNIQUE ([oro_order_id])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_order_ix_status' AND object_id = OBJECT_ID(N'dbo.sagesync_order'))
CREATE INDEX [sagesync_order_ix_status] ON [dbo].[sagesync_order] ([status]);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_order_ix_erp_order_number' AND object_id = OBJECT_ID(N'dbo.sagesync_order'))
CREATE INDEX [sagesync_order_ix_erp_order_number] ON [dbo].[sagesync_order] ([erp_order_number]);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_order_ix_order_identifier' AND object_id = OBJECT_ID(N'dbo.sagesync_order'))
CREATE INDEX [sagesync_order_ix_order_identifier] ON [dbo].[sagesync_order] ([order_identifier]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_order_line', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_order_line] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [order_staging_id] bigint NOT NULL,
  [oro_order_id] int NOT NULL,
  [oro_line_item_id] int NOT NULL,
  [line_number] int NOT NULL,
  [sku] nvarchar(255) NOT NULL,
  [product_name] nvarchar(255) NULL,
  [quantity] decimal(20,6) NOT NULL,
  [unit_code] nvarchar(50) NULL,
  [unit_price] decimal(19,4) NULL,
  [currency] char(3) NULL,
  [ship_by] date NULL,
  [custom_attributes] nvarchar(max) NOT NULL CONSTRAINT [sagesync_order_line_ck_custom_attributes] CHECK (ISJSON([custom_attributes]) = 1),
  [kit_items] nvarchar(max) NOT NULL CONSTRAINT [sagesync_order_line_df_kit_items] DEFAULT N'[]' CONSTRAINT [sagesync_order_line_ck_kit_items] CHECK (ISJSON([kit_items]) = 1),
  CONSTRAINT [sagesync_order_line_pk_staging_id] PRIMARY KEY ([staging_id]),
  CONSTRAINT [sagesync_order_line_uq_order_staging_id_oro_line_item_id] UNIQUE ([order_staging_id], [oro_line_item_id]),
  CONSTRAINT [sagesync_order_line_fk_order_staging_id] FOREIGN KEY ([order_staging_id]) REFERENCES [dbo].[sagesync_order] ([staging_id])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_order_line_ix_oro_order_id' AND object_id = OBJECT_ID(N'dbo.sagesync_order_line'))
CREATE INDEX [sagesync_order_line_ix_oro_order_id] ON [dbo].[sagesync_order_line] ([oro_order_id]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_credit_limit', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_credit_limit] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [erp_customer_code] nvarchar(20) NOT NULL,
  [oro_customer_id] int NULL,
  [credit_limit] decimal(19,4) NOT NULL,
  [currency] char(3) NULL,
  [status] varchar(10) NOT NULL CONSTRAINT [sagesync_credit_limit_df_status] DEFAULT N'NEW',
  [sync_message] nvarchar(1000) NULL,
  [created_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_credit_limit_df_created_at] DEFAULT SYSUTCDATETIME(),
  [processed_at] datetime2(3) NULL,
  CONSTRAINT [sagesync_credit_limit_pk_staging_id] PRIMARY KEY ([staging_id])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_credit_limit_ix_status_staging_id' AND object_id = OBJECT_ID(N'dbo.sagesync_credit_limit'))
CREATE INDEX [sagesync_credit_limit_ix_status_staging_id] ON [dbo].[sagesync_credit_limit] ([status], [staging_id]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_shipment', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_shipment] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [oro_order_id] int NULL,
  [erp_order_number] nvarchar(20) NULL,
  [order_identifier] nvarchar(255) NULL,
  [carrier] nvarchar(100) NOT NULL,
  [tracking_number] nvarchar(255) NOT NULL,
  [erp_delivery_number] nvarchar(20) NULL,
  [shipped_at] datetime2(3) NULL,
  [status] varchar(10) NOT NULL CONSTRAINT [sagesync_shipment_df_status] DEFAULT N'NEW',
  [sync_message] nvarchar(1000) NULL,
  [created_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_shipment_df_created_at] DEFAULT SYSUTCDATETIME(),
  [processed_at] datetime2(3) NULL,
  CONSTRAINT [sagesync_shipment_pk_staging_id] PRIMARY KEY ([staging_id])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_shipment_ix_status_staging_id' AND object_id = OBJECT_ID(N'dbo.sagesync_shipment'))
CREATE INDEX [sagesync_shipment_ix_status_staging_id] ON [dbo].[sagesync_shipment] ([status], [staging_id]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_customer_map', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_customer_map] (
  [oro_customer_id] int NOT NULL,
  [erp_customer_code] nvarchar(20) NOT NULL,
  [learnt_from_staging_id] bigint NULL,
  [updated_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_customer_map_df_updated_at] DEFAULT SYSUTCDATETIME(),
  CONSTRAINT [sagesync_customer_map_pk_oro_customer_id] PRIMARY KEY ([oro_customer_id]),
  CONSTRAINT [sagesync_customer_map_uq_erp_customer_code] UNIQUE ([erp_customer_code])
);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_state', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_state] (
  [job] varchar(100) NOT NULL,
  [cursor_value] nvarchar(1000) NULL,
  [updated_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_state_df_updated_at] DEFAULT SYSUTCDATETIME(),
  CONSTRAINT [sagesync_state_pk_job] PRIMARY KEY ([job])
);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_run', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_run] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [job] varchar(100) NOT NULL,
  [command] varchar(100) NOT NULL,
  [host] nvarchar(255) NOT NULL,
  [pid] int NULL,
  [started_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_run_df_started_at] DEFAULT SYSUTCDATETIME(),
  [finished_at] datetime2(3) NULL,
  [outcome] varchar(20) NULL,
  [counts] nvarchar(max) NULL CONSTRAINT [sagesync_run_ck_counts] CHECK (ISJSON([counts]) = 1),
  [message] nvarchar(4000) NULL,
  CONSTRAINT [sagesync_run_pk_staging_id] PRIMARY KEY ([staging_id])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_run_ix_job_started_at' AND object_id = OBJECT_ID(N'dbo.sagesync_run'))
CREATE INDEX [sagesync_run_ix_job_started_at] ON [dbo].[sagesync_run] ([job], [started_at]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_quarantine', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_quarantine] (
  [staging_id] bigint IDENTITY(1,1) NOT NULL,
  [job] varchar(100) NOT NULL,
  [entity] varchar(100) NOT NULL,
  [entity_id] varchar(100) NOT NULL,
  [attempts] int NOT NULL,
  [last_error] nvarchar(4000) NOT NULL,
  [first_failed_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_quarantine_df_first_failed_at] DEFAULT SYSUTCDATETIME(),
  [last_failed_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_quarantine_df_last_failed_at] DEFAULT SYSUTCDATETIME(),
  [next_attempt_at] datetime2(3) NOT NULL,
  [resolved_at] datetime2(3) NULL,
  CONSTRAINT [sagesync_quarantine_pk_staging_id] PRIMARY KEY ([staging_id]),
  CONSTRAINT [sagesync_quarantine_uq_job_entity_entity_id] UNIQUE ([job], [entity], [entity_id])
);

-- params: (none)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'sagesync_quarantine_ix_job_next_attempt_at' AND object_id = OBJECT_ID(N'dbo.sagesync_quarantine'))
CREATE INDEX [sagesync_quarantine_ix_job_next_attempt_at] ON [dbo].[sagesync_quarantine] ([job], [next_attempt_at]);

-- params: (none)
IF OBJECT_ID(N'dbo.sagesync_alert', N'U') IS NULL
CREATE TABLE [dbo].[sagesync_alert] (
  [fingerprint] char(64) NOT NULL,
  [summary] nvarchar(1000) NOT NULL,
  [first_seen_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_alert_df_first_seen_at] DEFAULT SYSUTCDATETIME(),
  [last_seen_at] datetime2(3) NOT NULL CONSTRAINT [sagesync_alert_df_last_seen_at] DEFAULT SYSUTCDATETIME(),
  [occurrences] int NOT NULL,
  [last_sent_at] datetime2(3) NULL,
  [cleared_at] datetime2(3) NULL,
  [digest] nvarchar(max) NULL CONSTRAINT [sagesync_alert_ck_digest] CHECK (ISJSON([digest]) = 1),
  CONSTRAINT [sagesync_alert_pk_fingerprint] PRIMARY KEY ([fingerprint])
);

-- params: @p1 varchar(100), @p2 int
IF NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_schema_version] WHERE [migration] = @p1)
INSERT INTO [dbo].[sagesync_schema_version] ([migration], [contract_version]) VALUES (@p1, @p2);

-- params: @p1 varchar(100), @p2 int
IF NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_schema_version] WHERE [migration] = @p1)
INSERT INTO [dbo].[sagesync_schema_version] ([migration], [contract_version]) VALUES (@p1, @p2);

-- params: @p1 nvarchar(4000)
SELECT OBJECT_ID(@p1, N'U') AS [id];

-- params: @p1 nvarchar(255)
DECLARE @rc int;
IF APPLOCK_MODE(N'public', @p1, N'Session') <> N'NoLock' SET @rc = -100;
ELSE EXEC @rc = sp_getapplock @Resource = @p1, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 0, @DbPrincipal = N'public';
SELECT @rc AS [rc];

-- params: @p1 varchar(100)
SELECT [cursor_value] FROM [dbo].[sagesync_state] WHERE [job] = @p1;

-- params: @p1 nvarchar(255)
SELECT v.[resource], APPLOCK_MODE(N'public', v.[resource], N'Session') AS [mode] FROM (VALUES (@p1)) AS v ([resource]);

-- params: @p1 int, @p2 nvarchar(4000), @p3 int, @p4 varchar(8000), @p5 varchar(40), @p6 datetime2(3), @p7 nvarchar(max)
DECLARE @ins TABLE ([staging_id] bigint, [oro_order_id] int);
INSERT INTO [dbo].[sagesync_order] ([oro_order_id], [order_identifier], [oro_customer_id], [currency], [total], [order_created_at], [custom_attributes])
OUTPUT INSERTED.[staging_id], INSERTED.[oro_order_id] INTO @ins
SELECT v.c0, v.c1, v.c2, v.c3, CAST(v.c4 AS decimal(19,4)), v.c5, v.c6
FROM (VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, 0)) AS v (c0, c1, c2, c3, c4, c5, c6, n)
WHERE NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_order] AS t WITH (UPDLOCK, HOLDLOCK) WHERE t.[oro_order_id] = v.c0)
ORDER BY v.n;
SELECT CONVERT(varchar(20), [staging_id]) AS [staging_id], [oro_order_id] FROM @ins;

-- params: @p1 int, @p2 int, @p3 int, @p4 nvarchar(4000), @p5 varchar(40), @p6 nvarchar(max), @p7 varchar(20)
DECLARE @ins TABLE ([staging_id] bigint);
INSERT INTO [dbo].[sagesync_order_line] ([oro_order_id], [oro_line_item_id], [line_number], [sku], [quantity], [custom_attributes], [order_staging_id])
OUTPUT INSERTED.[staging_id] INTO @ins
SELECT v.c0, v.c1, v.c2, v.c3, CAST(v.c4 AS decimal(20,6)), v.c5, CAST(v.c6 AS bigint)
FROM (VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, 0)) AS v (c0, c1, c2, c3, c4, c5, c6, n)
WHERE NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_order_line] AS t WITH (UPDLOCK, HOLDLOCK) WHERE t.[order_staging_id] = CAST(v.c6 AS bigint) AND t.[oro_line_item_id] = v.c1)
ORDER BY v.n;
SELECT CONVERT(varchar(20), [staging_id]) AS [staging_id] FROM @ins;

-- params: @p1 nvarchar(4000), @p2 nvarchar(4000)
DECLARE @ins TABLE ([staging_id] bigint);
INSERT INTO [dbo].[sagesync_shipment] ([carrier], [tracking_number])
OUTPUT INSERTED.[staging_id] INTO @ins
SELECT v.c0, v.c1
FROM (VALUES (@p1, @p2, 0)) AS v (c0, c1, n)
ORDER BY v.n;
SELECT CONVERT(varchar(20), [staging_id]) AS [staging_id] FROM @ins;

-- params: @p1 varchar(100), @p2 nvarchar(4000)
UPDATE [dbo].[sagesync_state] WITH (UPDLOCK, SERIALIZABLE) SET [cursor_value] = @p2, [updated_at] = SYSUTCDATETIME() WHERE [job] = @p1;
IF @@ROWCOUNT = 0 INSERT INTO [dbo].[sagesync_state] ([job], [cursor_value], [updated_at]) VALUES (@p1, @p2, SYSUTCDATETIME());

-- params: @p1 varchar(100), @p2 varchar(100), @p3 varchar(100)
UPDATE t SET [resolved_at] = SYSUTCDATETIME()
FROM [dbo].[sagesync_quarantine] AS t
JOIN (VALUES (@p2, @p3)) AS v ([entity], [entity_id]) ON t.[entity] = v.[entity] AND t.[entity_id] = v.[entity_id]
WHERE t.[job] = @p1 AND t.[resolved_at] IS NULL;

-- params: @p1 int, @p2 int
SELECT [oro_order_id] FROM [dbo].[sagesync_order] WHERE [oro_order_id] IN (@p1, @p2);

-- params: @p1 int
SELECT [oro_customer_id], [payload_hash] FROM (SELECT [oro_customer_id], [payload_hash], ROW_NUMBER() OVER (PARTITION BY [oro_customer_id] ORDER BY [staging_id] DESC) AS [rn] FROM [dbo].[sagesync_customer] WHERE [oro_customer_id] IN (@p1)) AS x WHERE x.[rn] = 1;

-- params: @p1 int
SELECT [oro_customer_id], [erp_customer_code] FROM [dbo].[sagesync_customer_map] WHERE [oro_customer_id] IN (@p1);

-- params: @p1 nvarchar(4000), @p2 nvarchar(4000)
SELECT v.[code], m.[oro_customer_id] FROM (VALUES (@p1), (@p2)) AS v([code]) JOIN [dbo].[sagesync_customer_map] AS m ON m.[erp_customer_code] = v.[code];

-- params: @p1 nvarchar(255)
SELECT v.[resource], APPLOCK_MODE(N'public', v.[resource], N'Session') AS [mode] FROM (VALUES (@p1)) AS v ([resource]);

-- params: (none)
SELECT x.[oro_customer_id], x.[erp_customer_code], CONVERT(varchar(20), x.[staging_id]) AS [staging_id] FROM (
  SELECT [oro_customer_id], [erp_customer_code], [staging_id],
         ROW_NUMBER() OVER (PARTITION BY [oro_customer_id] ORDER BY [staging_id] DESC) AS [rn]
  FROM [dbo].[sagesync_customer] WHERE [status] = 'DONE' AND [erp_customer_code] IS NOT NULL AND [erp_customer_code] <> N''
) AS x LEFT JOIN [dbo].[sagesync_customer_map] AS m WITH (UPDLOCK, HOLDLOCK) ON m.[oro_customer_id] = x.[oro_customer_id]
WHERE x.[rn] = 1 AND (m.[erp_customer_code] IS NULL OR m.[erp_customer_code] <> x.[erp_customer_code]);

-- params: @p1 nvarchar(4000)
SELECT [erp_customer_code], [oro_customer_id] FROM [dbo].[sagesync_customer_map] WITH (UPDLOCK, HOLDLOCK) WHERE [erp_customer_code] IN (@p1);

-- params: @p1 nvarchar(4000)
SELECT [collation_name] FROM sys.columns WHERE [object_id] = OBJECT_ID(@p1) AND [name] = N'erp_customer_code';

-- params: @p1 int, @p2 nvarchar(4000), @p3 varchar(20)
UPDATE m SET [erp_customer_code] = v.[code], [learnt_from_staging_id] = v.[sid], [updated_at] = SYSUTCDATETIME()
FROM [dbo].[sagesync_customer_map] AS m JOIN (VALUES (@p1, @p2, CAST(@p3 AS bigint))) AS v ([id], [code], [sid]) ON m.[oro_customer_id] = v.[id];
INSERT INTO [dbo].[sagesync_customer_map] ([oro_customer_id], [erp_customer_code], [learnt_from_staging_id], [updated_at])
SELECT v.[id], v.[code], v.[sid], SYSUTCDATETIME() FROM (VALUES (@p1, @p2, CAST(@p3 AS bigint))) AS v ([id], [code], [sid])
WHERE NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_customer_map] AS m WITH (UPDLOCK, HOLDLOCK) WHERE m.[oro_customer_id] = v.[id]);

-- params: @p1 varchar(255), @p2 varchar(255), @p3 int
SELECT TOP (@p3) r.[tbl], CONVERT(varchar(20), r.[staging_id]) AS [staging_id], r.[key], r.[erp_message] FROM (
  SELECT @p1 AS [tbl], [staging_id], CONVERT(nvarchar(20), [oro_customer_id]) AS [key], [erp_message], [staged_at] FROM [dbo].[sagesync_customer] WHERE [status] = 'ERROR'
  UNION ALL
  SELECT @p2, [staging_id], [order_identifier], [erp_message], [staged_at] FROM [dbo].[sagesync_order] WHERE [status] = 'ERROR'
) AS r ORDER BY r.[staged_at] DESC, r.[staging_id] DESC;

-- params: @p1 nvarchar(4000)
SELECT TOP (1) [oro_order_id] FROM [dbo].[sagesync_order] WHERE [erp_order_number] = @p1 ORDER BY [staging_id] DESC;

-- params: @p1 nvarchar(4000)
SELECT TOP (1) [oro_order_id] FROM [dbo].[sagesync_order] WHERE [order_identifier] = @p1 ORDER BY [staging_id] DESC;

-- params: @p1 int
SELECT TOP (@p1) [staging_id], [oro_order_id], [erp_order_number], [order_identifier], [carrier], [tracking_number], [erp_delivery_number], [shipped_at], [status], [sync_message], [created_at], [processed_at] FROM [dbo].[sagesync_shipment] WITH (READCOMMITTEDLOCK, READPAST)
WHERE [status] = 'NEW' AND [staging_id] < ISNULL((
  SELECT MIN(u.[staging_id]) FROM [dbo].[sagesync_shipment] AS u WITH (READUNCOMMITTED) WHERE u.[status] = 'NEW'
  AND NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_shipment] AS c WITH (READCOMMITTEDLOCK, READPAST) WHERE c.[staging_id] = u.[staging_id])
), 9223372036854775807) ORDER BY [staging_id];

-- params: @p1 nvarchar(255)
SELECT v.[resource], APPLOCK_MODE(N'public', v.[resource], N'Session') AS [mode] FROM (VALUES (@p1)) AS v ([resource]);

-- params: @p1 varchar(20), @p2 varchar(10), @p3 nvarchar(4000)
DECLARE @done TABLE ([staging_id] bigint);
UPDATE t SET [status] = v.[status], [sync_message] = v.[msg], [processed_at] = SYSUTCDATETIME()
OUTPUT INSERTED.[staging_id] INTO @done
FROM [dbo].[sagesync_shipment] AS t
JOIN (VALUES (CAST(@p1 AS bigint), @p2, @p3)) AS v ([id], [status], [msg]) ON t.[staging_id] = v.[id]
WHERE t.[status] = 'NEW';
SELECT COUNT(*) AS [changed] FROM @done;

-- params: @p1 nvarchar(255)
SELECT v.[resource], APPLOCK_MODE(N'public', v.[resource], N'Session') AS [mode] FROM (VALUES (@p1)) AS v ([resource]);

-- params: @p1 datetime2(3), @p2 varchar(100), @p3 varchar(100), @p4 varchar(100), @p5 nvarchar(4000)
UPDATE q SET [attempts] = CASE WHEN q.[resolved_at] IS NULL THEN q.[attempts] + 1 ELSE 1 END,
  [first_failed_at] = CASE WHEN q.[resolved_at] IS NULL THEN q.[first_failed_at] ELSE @p1 END,
  [last_error] = v.[err], [last_failed_at] = @p1,
  [next_attempt_at] = DATEADD(second, CASE WHEN 60 * POWER(2, CASE WHEN (CASE WHEN q.[resolved_at] IS NULL THEN q.[attempts] + 1 ELSE 1 END) - 1 > 20 THEN 20 ELSE (CASE WHEN q.[resolved_at] IS NULL THEN q.[attempts] + 1 ELSE 1 END) - 1 END) > 86400 THEN 86400 ELSE 60 * POWER(2, CASE WHEN (CASE WHEN q.[resolved_at] IS NULL THEN q.[attempts] + 1 ELSE 1 END) - 1 > 20 THEN 20 ELSE (CASE WHEN q.[resolved_at] IS NULL THEN q.[attempts] + 1 ELSE 1 END) - 1 END) END, @p1),
  [resolved_at] = NULL
FROM [dbo].[sagesync_quarantine] AS q WITH (UPDLOCK, HOLDLOCK)
JOIN (VALUES (@p2, @p3, @p4, @p5)) AS v ([job], [entity], [entity_id], [err]) ON q.[job] = v.[job] AND q.[entity] = v.[entity] AND q.[entity_id] = v.[entity_id];
INSERT INTO [dbo].[sagesync_quarantine] ([job], [entity], [entity_id], [attempts], [last_error], [first_failed_at], [last_failed_at], [next_attempt_at])
SELECT v.[job], v.[entity], v.[entity_id], 1, v.[err], @p1, @p1, DATEADD(second, CASE WHEN 60 * POWER(2, CASE WHEN (1) - 1 > 20 THEN 20 ELSE (1) - 1 END) > 86400 THEN 86400 ELSE 60 * POWER(2, CASE WHEN (1) - 1 > 20 THEN 20 ELSE (1) - 1 END) END, @p1)
FROM (VALUES (@p2, @p3, @p4, @p5)) AS v ([job], [entity], [entity_id], [err])
WHERE NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_quarantine] AS q WITH (UPDLOCK, HOLDLOCK) WHERE q.[job] = v.[job] AND q.[entity] = v.[entity] AND q.[entity_id] = v.[entity_id]);

-- params: @p1 varchar(100), @p2 datetime2(3), @p3 int
SELECT TOP (@p3) [staging_id], [job], [entity], [entity_id], [attempts], [last_error], [first_failed_at], [last_failed_at], [next_attempt_at], [resolved_at] FROM [dbo].[sagesync_quarantine]
WHERE [job] = @p1 AND [resolved_at] IS NULL AND [next_attempt_at] <= @p2 ORDER BY [next_attempt_at], [staging_id];

-- params: @p1 varchar(100)
SELECT [staging_id], [job], [entity], [entity_id], [attempts], [last_error], [first_failed_at], [last_failed_at], [next_attempt_at], [resolved_at] FROM [dbo].[sagesync_quarantine]
WHERE [resolved_at] IS NULL AND (@p1 IS NULL OR [job] = @p1) ORDER BY [job], [staging_id];

-- params: @p1 nvarchar(255)
SELECT v.[resource], APPLOCK_MODE(N'public', v.[resource], N'Session') AS [mode] FROM (VALUES (@p1)) AS v ([resource]);

-- params: @p1 varchar(100), @p2 varchar(100), @p3 varchar(100)
UPDATE t SET [resolved_at] = SYSUTCDATETIME()
FROM [dbo].[sagesync_quarantine] AS t
JOIN (VALUES (@p2, @p3)) AS v ([entity], [entity_id]) ON t.[entity] = v.[entity] AND t.[entity_id] = v.[entity_id]
WHERE t.[job] = @p1 AND t.[resolved_at] IS NULL;

-- params: @p1 varchar(100), @p2 varchar(100), @p3 nvarchar(255), @p4 int
DECLARE @ids TABLE ([staging_id] bigint);
INSERT INTO [dbo].[sagesync_run] ([job], [command], [host], [pid]) OUTPUT INSERTED.[staging_id] INTO @ids VALUES (@p1, @p2, @p3, @p4);
SELECT CONVERT(varchar(20), [staging_id]) AS [staging_id] FROM @ids;

-- params: @p1 varchar(20), @p2 varchar(20), @p3 nvarchar(max), @p4 nvarchar(4000)
UPDATE [dbo].[sagesync_run] SET [finished_at] = SYSUTCDATETIME(), [outcome] = @p2, [counts] = @p3, [message] = @p4
WHERE [staging_id] = CAST(@p1 AS bigint);

-- params: (none)
SELECT x.[staging_id], x.[job], x.[command], x.[host], x.[pid], x.[started_at], x.[finished_at], x.[outcome], x.[counts], x.[message] FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY [job] ORDER BY [started_at] DESC, [staging_id] DESC) AS [rn]
FROM [dbo].[sagesync_run]) AS x WHERE x.[rn] = 1 ORDER BY x.[job];

-- params: @p1 varchar(100), @p2 varchar(100)
SELECT v.[job], (SELECT TOP (1) r.[finished_at] FROM [dbo].[sagesync_run] AS r
  WHERE r.[job] = v.[job] AND r.[outcome] IN ('ok', 'records-failed') ORDER BY r.[started_at] DESC) AS [at]
FROM (VALUES (@p1), (@p2)) AS v ([job]);

-- params: @p1 varchar(255), @p2 nvarchar(4000), @p3 datetime2(3)
INSERT INTO [dbo].[sagesync_alert] ([fingerprint], [summary], [first_seen_at], [last_seen_at], [occurrences])
SELECT @p1, @p2, @p3, @p3, 0 WHERE NOT EXISTS (SELECT 1 FROM [dbo].[sagesync_alert] WITH (UPDLOCK, HOLDLOCK) WHERE [fingerprint] = @p1);
SELECT * FROM [dbo].[sagesync_alert] WITH (UPDLOCK, HOLDLOCK) WHERE [fingerprint] = @p1;

-- params: @p1 varchar(255), @p2 nvarchar(4000), @p3 datetime2(3), @p4 datetime2(3), @p5 int, @p6 datetime2(3), @p7 nvarchar(max)
UPDATE [dbo].[sagesync_alert] SET [summary] = @p2, [first_seen_at] = @p3, [last_seen_at] = @p4, [occurrences] = @p5,
  [last_sent_at] = @p6, [cleared_at] = NULL, [digest] = @p7
WHERE [fingerprint] = @p1;
SELECT * FROM [dbo].[sagesync_alert] WHERE [fingerprint] = @p1;

-- params: @p1 int
SELECT TOP (@p1) CONVERT(varchar(20), [staging_id]) AS [staging_id], [sync_message] FROM [dbo].[sagesync_credit_limit]
WHERE [status] = 'ERROR' ORDER BY [staging_id] DESC;

-- params: (none)
SELECT * FROM [dbo].[sagesync_alert] WHERE [cleared_at] IS NULL ORDER BY [first_seen_at];

-- params: @p1 varchar(255), @p2 datetime2(3)
DECLARE @cleared TABLE ([last_sent_at] datetime2(3));
UPDATE [dbo].[sagesync_alert] SET [cleared_at] = @p2 OUTPUT INSERTED.[last_sent_at] INTO @cleared
WHERE [fingerprint] = @p1 AND [cleared_at] IS NULL;
SELECT [last_sent_at] FROM @cleared;

-- params: @p1 varchar(255), @p2 varchar(255), @p3 varchar(255), @p4 varchar(255)
SELECT @p1 AS [tbl], [status], COUNT(*) AS [n], MIN([staged_at]) AS [oldest] FROM [dbo].[sagesync_customer] GROUP BY [status]
UNION ALL
SELECT @p2 AS [tbl], [status], COUNT(*) AS [n], MIN([staged_at]) AS [oldest] FROM [dbo].[sagesync_order] GROUP BY [status]
UNION ALL
SELECT @p3 AS [tbl], [status], COUNT(*) AS [n], MIN([created_at]) AS [oldest] FROM [dbo].[sagesync_credit_limit] GROUP BY [status]
UNION ALL
SELECT @p4 AS [tbl], [status], COUNT(*) AS [n], MIN([created_at]) AS [oldest] FROM [dbo].[sagesync_shipment] GROUP BY [status]
ORDER BY 1, 2;

-- params: (none)
SELECT [job], [cursor_value], [updated_at] FROM [dbo].[sagesync_state] ORDER BY [job];

-- params: @p1 nvarchar(255)
DECLARE @rc int;
EXEC @rc = sp_releaseapplock @Resource = @p1, @LockOwner = N'Session', @DbPrincipal = N'public';
SELECT @rc AS [rc];
