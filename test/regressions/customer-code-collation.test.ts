/**
 * Regression (issue 17, defect 9): under a case-insensitive collation (SQL Server's usual
 * SQL_Latin1_General_CP1_CI_AS), a learnt code `bp1` passed the JavaScript check against an
 * existing `BP1` and then violated UNIQUE (erp_customer_code) on every run. Codes are now
 * compared as the column's collation does, and reported as the code conflict they are.
 */
import { describe, expect, it } from 'vitest';
import { codeFolder, planCustomerCodes } from '../../src/staging/learn-codes.js';
import { fakeStore } from '../staging/helpers/fake-store.js';

describe('learning X3 customer codes under the column collation', () => {
  it('SQL Server, case-insensitive: bp1 meets BP1, and bp2/BP2 in one batch conflict', async () => {
    const { store, pool } = fakeStore((call) => {
      if (call.text.includes('ROW_NUMBER() OVER (PARTITION BY [oro_customer_id]'))
        return {
          recordsets: [
            [
              { oro_customer_id: 2, erp_customer_code: 'bp1', staging_id: '9' },
              { oro_customer_id: 3, erp_customer_code: 'bp2', staging_id: '10' },
              { oro_customer_id: 4, erp_customer_code: 'BP2 ', staging_id: '11' },
              { oro_customer_id: 5, erp_customer_code: 'BP5', staging_id: '12' },
            ],
          ],
        };
      if (call.text.includes('sys.columns'))
        return { recordsets: [[{ collation_name: 'SQL_Latin1_General_CP1_CI_AS' }]] };
      // The IN list compares under the collation: the map's BP1 answers for bp1.
      if (call.text.includes('WHERE [erp_customer_code] IN'))
        return { recordsets: [[{ erp_customer_code: 'BP1', oro_customer_id: 1 }]] };
      return {};
    });
    const result = await store.learnCustomerCodes();
    expect(result.conflicts).toEqual([
      { code: 'bp1', oroCustomerIds: [1, 2], stagingId: '9' },
      { code: 'bp2', oroCustomerIds: [3, 4], stagingId: '11' },
    ]);
    expect(result.learnt).toEqual([{ oroCustomerId: 5, code: 'BP5' }]);
    const upsert = pool.calls.find((c) => c.text.startsWith('UPDATE m SET [erp_customer_code]'));
    expect(Object.values(upsert?.params ?? {})).toEqual([5, 'BP5', '12']);
  });

  it('folds as the collation name says, exactly when it says nothing', () => {
    expect(codeFolder('Latin1_General_100_CI_AI')('Élan ')).toBe('elan');
    expect(codeFolder('Latin1_General_CS_AS')('BP1 ')).toBe('BP1');
    expect(codeFolder(null)('BP1 ')).toBe('BP1 ');
    const plan = planCustomerCodes(
      [{ oroCustomerId: 2, code: 'bp1', stagingId: '1' }],
      new Map([['BP1', 1]]),
      codeFolder('Latin1_General_CS_AS'),
    );
    expect(plan.learnt).toEqual([{ oroCustomerId: 2, code: 'bp1' }]);
  });
});
