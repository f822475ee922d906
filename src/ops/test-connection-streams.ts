/**
 * test-connection's line per custom stream (docs/streams.md): that this Oro has the stream's
 * resource, answers the filters and sorting the stream sends, and has the attributes and
 * relationships it reads or sets. Checked with GETs of one record:
 * - the resource: an unknown type is a 404 (docs/oro.md); an unknown `include` is ignored
 *   (oroinc/platform src/Oro/Bundle/ApiBundle/Tests/Functional/RestJsonApi/GetWithIncludeFieldsTest.php
 *   @6.1.0, testIncludeFilterWithWrongFieldName), so it is checked among the relationships;
 * - a push stream's incremental read: `filter[updatedAt][gte]` with `sort=updatedAt,id` (in
 *   `mode: full`, its keyset read by id instead: `filter[id][gt]` with `sort=id`); a field
 *   without a configured filter is a 400 "The filter is not supported." (oroinc/platform
 *   src/Oro/Bundle/ApiBundle/Processor/Shared/NormalizeFilterValues.php @6.1.0), without a sorter
 *   a 400 "Sorting by … is not supported." (…/Processor/Shared/ValidateSorting.php @6.1.0);
 *   customer users and addresses have neither (oroinc/customer-portal
 *   src/Oro/Bundle/CustomerBundle/Resources/config/oro/api.yml @6.1.0);
 * - a pull stream's `match.attribute`: `filter[attribute]=value`, the request the stream sends;
 * - attributes and relationships: on the first record, since Oro ignores unknown names in a sparse
 *   fieldset (…/Processor/Shared/HandleFieldsFilter.php @6.1.0) and so cannot be asked directly.
 *   `externalId` exists only from Oro 6.1.10 (docs/oro.md).
 */
import type { Config } from '../config/schema.js';
import { OroNotFoundError, OroRecordError } from '../oro/errors.js';
import type { JsonApiResource, ListQuery, OroClient, Page } from '../oro/types.js';
import type { StreamDef } from '../streams/types.js';
import type { Outcome } from './test-connection-checker.js';

/** The first page of one record (no HATEOAS links); an empty page when Oro has none. */
export async function firstPage(oro: OroClient, resource: string, q: ListQuery = {}): Promise<Page> {
  for await (const page of oro.list(resource, { ...q, pageSize: 1, links: false })) return page;
  return { data: [], included: new Map() };
}

/** A record's attribute and relationship names, for a fix that lists what there is. */
export function knownFields(r: JsonApiResource): string {
  const names = [...Object.keys(r.attributes), ...Object.keys(r.relationships)];
  return names.slice(0, 20).join(', ') + (names.length > 20 ? ' …' : '');
}

/** A field the stream reads (`source`, filter, include) or writes (`set`), with its config key. */
interface Need {
  key: string;
  path: string;
  as: 'any' | 'relationship' | 'attribute';
}

function streamNeeds(def: StreamDef, i: number): Need[] {
  const at = `streams[${i}]`;
  if (def.direction === 'pull') {
    return [
      ...(def.match.attribute
        ? [{ key: `${at}.match.attribute`, path: def.match.attribute, as: 'attribute' as const }]
        : []),
      ...Object.keys(def.set).map((a) => ({ key: `${at}.set.${a}`, path: a, as: 'attribute' as const })),
    ];
  }
  return [
    ...def.include.map((r, j) => ({ key: `${at}.include[${j}]`, path: r, as: 'relationship' as const })),
    ...Object.keys(def.filter ?? {}).map((f) => ({ key: `${at}.filter.${f}`, path: f, as: 'any' as const })),
    ...Object.entries(def.columns)
      .filter(([, c]) => c.source !== 'id')
      .map(([name, c]) => ({ key: `${at}.columns.${name}.source`, path: c.source, as: 'any' as const })),
  ];
}

/**
 * What a record says about the fields a stream needs: one problem per field it lacks. A
 * `relationship.attribute` path is checked on the related resource when the page included it.
 */
function fieldProblems(
  resource: string,
  record: JsonApiResource,
  included: ReadonlyMap<string, JsonApiResource>,
  needs: readonly Need[],
): string[] {
  const out: string[] = [];
  for (const n of needs) {
    const [head = '', tail] = n.path.split('.', 2);
    const isAttr = Object.hasOwn(record.attributes, head);
    const rel = record.relationships[head];
    if (!isAttr && !rel) {
      out.push(`${resource} have no field "${head}" (${n.key})`);
      continue;
    }
    if (n.as === 'attribute' && !isAttr) {
      out.push(`"${head}" of ${resource} is a relationship, not an attribute a stream can set (${n.key})`);
      continue;
    }
    if (n.as === 'relationship' && !rel) {
      out.push(`"${head}" of ${resource} is an attribute, not a relationship to include (${n.key})`);
      continue;
    }
    if (tail === undefined || !rel || !rel.data || Array.isArray(rel.data)) continue;
    const target = included.get(`${rel.data.type}:${rel.data.id}`);
    if (target && !Object.hasOwn(target.attributes, tail) && !Object.hasOwn(target.relationships, tail))
      out.push(`${rel.data.type} (the related "${head}") have no field "${tail}" (${n.key})`);
  }
  return out;
}

const CREATE_FIELD =
  'or create the field in Oro (System > Entities > Entity Management; then oro:api:cache:clear)';

export async function streamCheck(
  oro: OroClient,
  def: StreamDef,
  i: number,
  config: Config,
): Promise<Outcome> {
  const at = `streams[${i}]`;
  const get = `GET ${config.oro.apiPath}/${def.resource}`;
  const include = def.direction === 'push' ? [...def.include] : [];
  let page: Page;
  try {
    page = await firstPage(oro, def.resource, include.length > 0 ? { include } : {}).catch((err: unknown) => {
      // A server refusing an unknown include (Oro ignores it): read without, the field check names it.
      if (err instanceof OroRecordError && err.status === 400 && err.source?.parameter === 'include')
        return firstPage(oro, def.resource);
      throw err;
    });
  } catch (err) {
    if (err instanceof OroNotFoundError) {
      return failed(
        `Oro has no resource "${def.resource}" (${get} answered 404, where Oro's own resources answer)`,
        `Correct ${at}.resource: the JSON:API type as Oro names it (plural, lower case, e.g. products; Oro lists them at ${config.oro.apiPath}/doc).`,
      );
    }
    throw err;
  }

  const reads: string[] = [];
  if (def.direction === 'push' && def.mode === 'full') {
    const problem = await wholeReadProblem(oro, def.resource, at);
    if (problem) return problem;
    reads.push('filter[id][gt] and sort=id answer (mode: full)');
  } else if (def.direction === 'push') {
    const problem = await incrementalProblem(oro, def.resource, at);
    if (problem) return problem;
    reads.push('filter[updatedAt] and sort=updatedAt answer');
  }
  const record = page.data[0];
  if (def.direction === 'pull' && def.match.attribute) {
    const problem = await matchProblem(oro, def.resource, def.match.attribute, record, at, def.match.column);
    if (problem) return problem;
    reads.push(`filter[${def.match.attribute}] answers`);
  }
  if (!record) {
    return {
      detail: `${get}: ${[...reads, `no record yet, so its attributes are not verified`].join('; ')}`,
    };
  }
  const problems = fieldProblems(def.resource, record, page.included, streamNeeds(def, i));
  if (problems.length > 0) {
    const externalId = problems.some((p) => p.includes('"externalId"'))
      ? ' externalId exists only from Oro 6.1.10.'
      : '';
    return failed(
      problems.join('; '),
      `Correct the key named (${def.resource} have: ${knownFields(record)}), ${CREATE_FIELD}.${externalId}`,
    );
  }
  return { detail: `${get}: ${[...reads, 'every field the stream uses is there'].join('; ')}` };
}

/** The keyset read a push stream sends (src/oro/reading.ts), on one record. */
async function incrementalProblem(oro: OroClient, resource: string, at: string): Promise<Outcome | null> {
  try {
    await firstPage(oro, resource, {
      filter: { updatedAt: { op: 'gte', value: '2000-01-01T00:00:00Z' } },
      sort: 'updatedAt,id',
    });
    return null;
  } catch (err) {
    if (!(err instanceof OroRecordError) || err.status !== 400) throw err;
    return failed(
      `Oro cannot filter or sort ${resource} by updatedAt (400: ${err.detail ?? err.title ?? ''}${err.source?.parameter ? ` [${err.source.parameter}]` : ''}), which an incremental push stream reads by`,
      `${resource} cannot be read incrementally on this Oro: set ${at}.mode: full (the whole resource is read every everyMinutes, default 60, and only changed rows are staged).`,
    );
  }
}

/** The keyset read of `mode: full` (src/oro/id-sweep.ts), on one record. */
async function wholeReadProblem(oro: OroClient, resource: string, at: string): Promise<Outcome | null> {
  try {
    await firstPage(oro, resource, { filter: { id: { op: 'gt', value: '0' } }, sort: 'id' });
    return null;
  } catch (err) {
    if (!(err instanceof OroRecordError) || err.status !== 400) throw err;
    return failed(
      `Oro cannot page ${resource} by id (400: ${err.detail ?? err.title ?? ''}), which ${at}.mode: full reads by`,
      `${resource} has no numeric ids Oro can compare (string ids take no range): remove the stream ${at}.`,
    );
  }
}

/** `filter[attribute]=value` as a pull stream sends it to find a row's record. */
async function matchProblem(
  oro: OroClient,
  resource: string,
  attribute: string,
  record: JsonApiResource | undefined,
  at: string,
  column: string,
): Promise<Outcome | null> {
  const own = record?.attributes[attribute];
  const value = typeof own === 'string' || typeof own === 'number' ? String(own) : 'sagesync-check';
  try {
    await firstPage(oro, resource, { filter: { [attribute]: { op: 'eq', value } } });
    return null;
  } catch (err) {
    if (!(err instanceof OroRecordError) || err.status !== 400) throw err;
    const externalId = attribute === 'externalId' ? ' externalId exists only from Oro 6.1.10.' : '';
    return failed(
      `Oro cannot filter ${resource} by "${attribute}" (400: ${err.detail ?? err.title ?? ''}), which ${at}.match.attribute names`,
      `Name a field Oro filters on in ${at}.match.attribute (an indexed one, or declared in the entity's api.yml), or omit it and put the Oro id into ${column}.${externalId}`,
    );
  }
}

function failed(detail: string, fix: string): Outcome {
  return { ok: false, kind: 'config', detail, fix };
}
