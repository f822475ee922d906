/** Placeholder until the SQL Server dialect lands (next commit). */
import type { Config } from '../../config/schema.js';
import { NotAvailableYetError } from '../../errors.js';
import type { StoreNames } from '../names.js';
import type { StagingStore } from '../store.js';

export async function openMssql(_config: Config, _names: StoreNames, _opts: object): Promise<StagingStore> {
  throw new NotAvailableYetError('The SQL Server staging dialect is not available yet.');
}
