-- sagesync on SQL Server: restrict where the sagesync login may connect from.
-- Two layers: the network (firewall) and the server itself (a logon trigger), so that a firewall
-- mistake alone does not open the staging tables.

-- A. Network layer.
--   Windows Firewall on the SQL Server host (PowerShell, as administrator):
--     New-NetFirewallRule -DisplayName "SQL 1433 from sync hosts" -Direction Inbound -Protocol TCP `
--       -LocalPort 1433 -RemoteAddress 10.20.30.41,10.20.30.42,10.20.40.0/28 -Action Allow
--     (and no broader rule allowing 1433)
--   Azure SQL Database: server-level rule (in master) or database-level rule (in the database):
--     EXECUTE sp_set_firewall_rule N'sagesync-sync-hosts', '10.20.30.41', '10.20.30.42';
--     EXECUTE sp_set_database_firewall_rule N'sagesync-sync-hosts', '10.20.30.41', '10.20.30.42';
--   Through staging.sshTunnel the client address is the bastion's: allow only the bastion.

-- B. Server layer: a logon trigger refusing the sagesync login from any other client address.
--    Test it from an allowed host BEFORE closing your session: a faulty logon trigger can lock
--    everyone out (recover with the dedicated admin connection: sqlcmd -A, then DROP TRIGGER).
USE master;
GO
CREATE OR ALTER TRIGGER sagesync_allowed_hosts
ON ALL SERVER WITH EXECUTE AS N'sa'
FOR LOGON
AS
BEGIN
  IF ORIGINAL_LOGIN() = N'sagesync'
     AND CONVERT(nvarchar(48), CONNECTIONPROPERTY('client_net_address'))
         NOT IN (N'10.20.30.41', N'10.20.30.42', N'10.20.30.5' /* the SSH bastion */)
  BEGIN
    ROLLBACK; -- refuses the login; the client sees error 17892 "Logon failed ... due to trigger execution"
  END
END;
GO
-- Refused attempts are in the error log: EXEC sp_readerrorlog 0, 1, N'17892';
