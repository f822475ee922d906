/** What the push jobs' run caches read from Oro, and what they keep for the rest of the run. */
import { afterEach, describe, expect, it } from 'vitest';
import { CustomerSource } from '../../src/jobs/mapping/customer-source.js';
import { ResourceCache } from '../../src/jobs/mapping/resource-cache.js';
import { apiRequests, rig, type Rig } from '../oro/helpers.js';
import { silent } from './push-env.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const ownerOf = (rels: Record<string, unknown>): string => (rels['customer'] as { id: string }).id;

describe('CustomerSource', () => {
  it('reads users and addresses without links and keeps only the main contact and billing address', async () => {
    r = await rig({ sandbox: { seed: { orders: 1, customers: 12, seed: 5 } } });
    const users = r.sb.all('customerusers');
    const addresses = r.sb.all('customeraddresses');
    // A customer with several users and several addresses, so that some are not chosen.
    const id = r.sb
      .all('customers')
      .map((c) => c.id)
      .find(
        (cid) =>
          users.filter((u) => ownerOf(u.relationships) === cid).length > 1 &&
          addresses.filter((a) => ownerOf(a.relationships) === cid).length > 1,
      );
    expect(id, 'the seed has a customer with several users and addresses').toBeDefined();
    const cache = new ResourceCache(r.client, silent);
    const source = new CustomerSource(r.client, cache, silent);

    const loaded = await source.load([id!], new Map());
    const prepared = loaded.customers.get(id!)!;

    const rel = (name: string) => (prepared.relationships[name]?.data as { id: string } | null)?.id;
    const mine = (list: typeof users) => list.filter((x) => ownerOf(x.relationships) === id).map((x) => x.id);
    const contact = rel('mainContact');
    const billing = rel('defaultBillingAddress');
    expect(contact).toBe(mine(users).sort((a, b) => Number(a) - Number(b))[0]);
    expect(billing).toBeDefined();
    // The two it links to come with it, apart from the run's cache, which does not keep them.
    expect([...loaded.related.keys()].sort()).toEqual([
      `customeraddresses:${billing}`,
      `customerusers:${contact}`,
    ]);
    expect(cache.lookup()('customerusers', contact!)).toBeUndefined();
    const lookup = cache.lookup(loaded.related);
    expect(lookup('customerusers', contact!)?.attributes['email']).toBeTypeOf('string');
    expect(lookup('customeraddresses', billing!)?.attributes['city']).toBeTypeOf('string');
    expect((lookup('customerusers', contact!) as { links?: unknown }).links).toBeUndefined();
    for (const other of mine(users).filter((u) => u !== contact))
      expect(lookup('customerusers', other)).toBeUndefined();
    for (const other of mine(addresses).filter((a) => a !== billing))
      expect(lookup('customeraddresses', other)).toBeUndefined();

    const reads = apiRequests(r.sb).filter((q) => /customer(users|addresses)$/.test(q.path));
    expect(reads.map((q) => q.headers['x-include'])).toEqual(['noHateoas', 'noHateoas']);
  });
});

describe('CustomerSource bound', () => {
  it('keeps the customers prepared last; one let go is read again, with its contacts', async () => {
    r = await rig({ sandbox: { seed: { orders: 1, customers: 30, seed: 5 } } });
    const cache = new ResourceCache(r.client, silent);
    const source = new CustomerSource(r.client, cache, silent, 10);
    const ids = r.sb.all('customers').map((c) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(30);
    const contacts = new Map<string, string>();
    for (let i = 0; i < 30; i += 10) {
      const got = await source.load(ids.slice(i, i + 10), new Map());
      for (const [id, c] of got.customers)
        contacts.set(id, (c.relationships['mainContact']?.data as { id: string }).id);
    }
    expect(source.kept).toBe(10);

    const reads = (): number =>
      apiRequests(r!.sb).filter((q) => /customer(users|addresses)$/.test(q.path)).length;
    const before = reads();
    const kept = await source.load(ids.slice(25, 30), new Map()); // kept: nothing read
    expect(reads()).toBe(before);
    for (const id of ids.slice(25, 30))
      expect(kept.related.has(`customerusers:${contacts.get(id)}`)).toBe(true);
    const again = await source.load([ids[0]!], new Map());
    expect(reads()).toBe(before + 2); // let go: its users and addresses read again
    const c = again.customers.get(ids[0]!)!;
    expect((c.relationships['mainContact']?.data as { id: string }).id).toBe(contacts.get(ids[0]!));
    expect(again.related.has(`customerusers:${contacts.get(ids[0]!)}`)).toBe(true);
    expect(source.kept).toBe(10);
  });
});

describe('ResourceCache', () => {
  it('reads ids in chunks of 99, one request each, with page[size]=100 and without links', async () => {
    r = await rig({ sandbox: { seed: { orders: 1, customers: 120, seed: 5 } } });
    const cache = new ResourceCache(r.client, silent);
    const keys = Array.from({ length: 100 }, (_, i) => `customers:${i + 11}`);
    await cache.fetch(keys);
    const lookup = cache.lookup();
    expect(keys.every((k) => lookup('customers', k.split(':')[1]!) !== undefined)).toBe(true);
    expect((lookup('customers', '11') as { links?: unknown }).links).toBeUndefined();
    const reads = apiRequests(r.sb).filter((q) => q.path.endsWith('/customers'));
    // 99 ids, then 1: each first page comes back short, so no empty page follows.
    expect(reads).toHaveLength(2);
    expect(reads.map((q) => q.headers['x-include'])).toEqual(['noHateoas', 'noHateoas']);
    expect(reads.every((q) => decodeURIComponent(q.query).includes('page[size]=100'))).toBe(true);
  });
});
