/** What the client sends and how it reads: media types, token, paging, writes, versions. */
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_INCLUDE } from '../../src/oro/resolve.js';
import { apiRequests, CLIENT, rig, tokenRequests, type Rig } from './helpers.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('requests as Oro requires them', () => {
  it('sends the JSON:API media type without parameters and string ids; token outside /admin', async () => {
    r = await rig({ sandbox: { seed: { orders: 3 } } });
    await r.client.get('customers', '1');
    await r.client.patch('customers', '1', { creditLimit: '12.5' });
    const [get, patch] = apiRequests(r.sb);
    expect(get!.headers['accept']).toBe('application/vnd.api+json');
    expect(get!.headers['content-type']).toBeUndefined();
    expect(get!.headers['authorization']).toBe('Bearer ***');
    expect(patch!.headers['content-type']).toBe('application/vnd.api+json');
    expect(JSON.parse(patch!.body)).toEqual({
      data: { type: 'customers', id: '1', attributes: { creditLimit: '12.5' } },
    });
    const [tok] = tokenRequests(r.sb);
    expect(tok!.method).toBe('POST');
    expect(JSON.parse(tok!.body)).toMatchObject({
      grant_type: 'client_credentials',
      client_id: CLIENT.clientId,
    });
    expect(r.sb.customer('1')!.attributes['creditLimit']).toBe('12.5000');
  });

  it('caches the token and renews it before it expires', async () => {
    r = await rig({
      sandbox: { seed: { orders: 3 }, faults: { tokenLifetimeSeconds: 100 } },
      useClock: true,
    });
    for (let i = 0; i < 5; i++) await r.client.get('orders', '1');
    expect(tokenRequests(r.sb)).toHaveLength(1);
    r.clock.now += 95_000; // inside the renewal margin (10% of the lifetime)
    await r.client.get('orders', '1');
    expect(tokenRequests(r.sb)).toHaveLength(2);
    expect(r.sb.requests.filter((q) => q.status === 401)).toHaveLength(0);
  });

  it('follows links.next page by page', async () => {
    r = await rig({ sandbox: { seed: { orders: 3, customers: 25 } } });
    const pages: string[][] = [];
    for await (const page of r.client.list('customers', {
      filter: { id: { op: 'gt', value: '2' } },
      sort: '-id',
    })) {
      pages.push(page.data.map((d) => d.id));
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(Array.from({ length: 23 }, (_, i) => String(25 - i)));
    const queries = apiRequests(r.sb).map((q) => decodeURIComponent(q.query));
    expect(queries[1]).toContain('filter[id][gt]=2');
    expect(queries[1]).toContain('page[number]=2');
  });

  it('with links: false, asks for no links and pages by number until a page comes back short', async () => {
    r = await rig({ sandbox: { seed: { orders: 3, customers: 25 } } });
    const pages: { ids: string[]; links: unknown[] }[] = [];
    for await (const page of r.client.list('customers', {
      filter: { id: { op: 'gt', value: '5' } },
      links: false,
    })) {
      pages.push({
        ids: page.data.map((d) => d.id),
        links: page.data.map((d) => (d as { links?: unknown }).links),
      });
    }
    // 20 records in pages of 10: the second page is full, so a third (empty) one ends the read.
    expect(pages.map((p) => p.ids.length)).toEqual([10, 10, 0]);
    expect(pages.flatMap((p) => p.ids)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 6)));
    expect(pages.flatMap((p) => p.links).every((l) => l === undefined)).toBe(true);
    const sent = apiRequests(r.sb);
    expect(sent.map((q) => q.headers['x-include'])).toEqual(['noHateoas', 'noHateoas', 'noHateoas']);
    expect(decodeURIComponent(sent[2]!.query)).toContain('page[number]=3');
  });

  it('pages on by number when the caller empties each page it is handed', async () => {
    r = await rig({ sandbox: { seed: { orders: 3, customers: 25 } } });
    const ids: string[] = [];
    for await (const page of r.client.list('customers', { links: false })) {
      ids.push(...page.data.map((d) => d.id));
      page.data.length = 0;
    }
    expect(ids).toHaveLength(25);
  });

  it('resolves orders with lines, addresses, customer and customer user; money stays a string', async () => {
    r = await rig({ sandbox: { seed: { orders: 12 } } });
    let n = 0;
    for await (const page of r.client.list('orders', { include: ORDER_INCLUDE })) {
      for (const o of r.client.resolveOrders(page)) {
        n++;
        const raw = r.sb.order(o.order.id)!;
        expect(o.lineItems.map((l) => l.id)).toEqual(
          (raw.relationships['lineItems'] as { id: string }[]).map((x) => x.id),
        );
        expect(o.order.attributes['totalValue']).toBe(raw.attributes['totalValue']);
        expect(typeof o.lineItems[0]!.attributes['value']).toBe('string');
        expect(o.customer?.id).toBe((raw.relationships['customer'] as { id: string }).id);
        expect(o.billingAddress?.id ?? null).toBe(
          (raw.relationships['billingAddress'] as { id: string } | null)?.id ?? null,
        );
        expect(o.customerUser?.id ?? null).toBe(
          (raw.relationships['customerUser'] as { id: string } | null)?.id ?? null,
        );
      }
    }
    expect(n).toBe(12);
  });
});

describe.each(['6.0', '6.1'] as const)('shipping trackings on %s', (version) => {
  it('detects the version and posts the matching relationship shape', async () => {
    r = await rig({ sandbox: { apiVersion: version, seed: { orders: 3 } } });
    expect(await r.client.apiVersion()).toBe(version);
    const t = await r.client.createTracking('2', 'UPS', '1Z 999 "A"');
    expect(t.attributes).toMatchObject({ method: 'UPS', number: '1Z 999 "A"' });
    expect(r.sb.trackings('2')).toEqual([{ id: t.id, method: 'UPS', number: '1Z 999 "A"' }]);
    expect(await r.client.orderTrackings('2')).toEqual([{ id: t.id, method: 'UPS', number: '1Z 999 "A"' }]);
    const post = apiRequests(r.sb).find((q) => q.method === 'POST')!;
    expect(Object.keys(JSON.parse(post.body).data.relationships)).toEqual([
      version === '6.0' ? 'order' : 'orders',
    ]);
  });

  it('detects the version without any line item', async () => {
    r = await rig({ sandbox: { apiVersion: version, seed: false } });
    expect(await r.client.apiVersion()).toBe(version);
  });

  it('uses oro.apiVersion without asking the server', async () => {
    r = await rig({ sandbox: { apiVersion: version, seed: { orders: 1 } }, oro: { apiVersion: version } });
    expect(await r.client.apiVersion()).toBe(version);
    expect(apiRequests(r.sb)).toHaveLength(0);
  });
});
