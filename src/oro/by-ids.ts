/**
 * Reading records by id, one request per page of them (`filter[id]=1,2,3`, `page[size]` = their
 * number, no links to follow). A resource may cap its page size (`max_results`): Oro then
 * refuses the request with 400 "The value should be less than or equals to N." (oroinc/platform
 * src/Oro/Bundle/ApiBundle/Processor/Shared/ValidatePaging.php @6.1.0). The ids are then read N
 * at a time, and N is remembered for the resource, so the refusal costs one request per client.
 */
import type { Call } from './api.js';
import { assertListData } from './document-check.js';
import { buildQuery, toPage, type JsonApiDocument } from './query.js';
import { maxResultsOf } from './reading.js';
import type { Page } from './types.js';

export type ReadByIds = (
  resource: string,
  ids: readonly string[],
  query?: { include?: string[] },
) => Promise<Page>;

export function byIdReader(call: Call): ReadByIds {
  const caps = new Map<string, number>();
  const one = async (resource: string, ids: readonly string[], include?: string[]): Promise<Page> => {
    const path = resource + buildQuery({ filter: { id: ids.join(',') }, include, pageSize: ids.length });
    const res = await call('GET', path, undefined, { xInclude: ['noHateoas'] });
    const doc = (res.body ?? {}) as JsonApiDocument;
    assertListData(doc.data, `GET ${resource}`);
    return toPage(doc);
  };
  const read: ReadByIds = async (resource, ids, query = {}) => {
    if (ids.length === 0) return { data: [], included: new Map() };
    const cap = caps.get(resource);
    if (cap !== undefined && ids.length > cap) {
      const page: Page = { data: [], included: new Map() };
      for (let i = 0; i < ids.length; i += cap) {
        const part = await one(resource, ids.slice(i, i + cap), query.include);
        page.data.push(...part.data);
        for (const [key, r] of part.included) page.included.set(key, r);
      }
      return page;
    }
    try {
      return await one(resource, ids, query.include);
    } catch (err) {
      const max = maxResultsOf(err);
      if (max === undefined || max >= ids.length) throw err;
      caps.set(resource, max);
      return read(resource, ids, query);
    }
  };
  return read;
}
