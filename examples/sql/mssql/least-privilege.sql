-- sagesync on SQL Server: least-privilege role (contract guarantee 4). Schema dbo, prefix
-- sagesync_; adapt, or print the exact DDL with: sagesync migrate --print --dialect mssql
-- Run as a member of db_owner (and sysadmin/securityadmin for the login).

-- 1. The login (server level) and its database user.
USE master;
CREATE LOGIN sagesync WITH PASSWORD = N'change-me-Str0ng!', CHECK_POLICY = ON, DEFAULT_DATABASE = staging;
USE staging;
CREATE USER sagesync FOR LOGIN sagesync WITH DEFAULT_SCHEMA = dbo;

-- 2. The rights sagesync needs at run time, in a role.
IF DATABASE_PRINCIPAL_ID(N'sagesync_app') IS NULL CREATE ROLE sagesync_app;
-- Direction 1 (sagesync inserts, X3 updates).
GRANT SELECT, INSERT ON dbo.sagesync_customer TO sagesync_app;
GRANT SELECT, INSERT ON dbo.sagesync_order TO sagesync_app;
GRANT SELECT, INSERT ON dbo.sagesync_order_line TO sagesync_app;
-- Direction 2 (X3 inserts, sagesync updates).
GRANT SELECT, UPDATE ON dbo.sagesync_credit_limit TO sagesync_app;
GRANT SELECT, UPDATE ON dbo.sagesync_shipment TO sagesync_app;
-- sagesync's own tables.
GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.sagesync_customer_map TO sagesync_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.sagesync_state TO sagesync_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.sagesync_run TO sagesync_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.sagesync_quarantine TO sagesync_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.sagesync_alert TO sagesync_app;
GRANT SELECT ON dbo.sagesync_schema_version TO sagesync_app;
-- sp_getapplock (the job locks) needs no grant: it is granted to public.
ALTER ROLE sagesync_app ADD MEMBER sagesync;

-- 3. TLS: force encryption on the instance (SQL Server Configuration Manager > Protocols >
--    Force Encryption = Yes, with a certificate your CA issued), and give sagesync the CA with
--    staging.tls.caFile. sagesync verifies the certificate unless staging.tls.rejectUnauthorized
--    is false (then it warns on every run).
