import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../src/lib/hsds/merge-patch';
import { isUuid, uuidV5 } from '../../src/lib/hsds/ids';
import { applyProfile } from '../../src/lib/hsds/schema';
import { pageOf, parseParams } from '../../src/lib/hsds/api';
import { generateApiKey, hashPresentedKey, isKeyUsable, rateWindowOf } from '../../src/lib/hsds/api-key';
import { asUri } from '../../src/lib/hsds/mapping';

describe('JSON Merge Patch (RFC 7386)', () => {
  it('passes the examples of RFC 7386 appendix A', () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of cases)
      expect(mergePatch(target as never, patch as never)).toEqual(result);
  });
});

describe('HSDS ids', () => {
  it('derives RFC 4122 version 5 UUIDs (the RFC’s DNS example)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(isUuid(uuidV5('service:abc'))).toBe(true);
    expect(uuidV5('service:abc')).toBe(uuidV5('service:abc'));
    expect(uuidV5('service:abc')).not.toBe(uuidV5('service:abd'));
  });
});

describe('the profile on a compiled schema', () => {
  it('patches every object of that name, wherever it is nested, and nothing else', () => {
    const schema = {
      name: 'service',
      type: 'object',
      properties: {
        id: { name: 'id', type: 'string' },
        location: {
          name: 'location',
          type: 'object',
          properties: {
            addresses: {
              type: 'array',
              items: { name: 'address', type: 'object', properties: {}, required: ['id', 'state_province'] },
            },
          },
        },
      },
    };
    const patched = applyProfile(schema, {
      address: { required: ['id'], properties: { district: { type: 'string' } } },
    }) as typeof schema;
    const address = patched.properties.location.properties.addresses.items as unknown as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(address.required).toEqual(['id']);
    expect(address.properties['district']).toEqual({ type: 'string' });
    expect(patched.properties.id).toEqual({ name: 'id', type: 'string' });
  });
});

describe('query parameters and pages', () => {
  const url = (query: string) => new URL(`http://x/api/hsds/services?${query}`);
  it('reads known parameters of their kind and refuses the rest, naming them', () => {
    expect(
      parseParams(url('page=2&full=true&organization_id=2ED6657D-E927-568B-95E1-2665A8AEA6A2'), {
        page: 'int',
        full: 'bool',
        organization_id: 'uuid',
      }),
    ).toEqual({
      page: 2,
      full: true,
      organization_id: '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    });
    expect(parseParams(url('modified_after=2026-11-30'), { modified_after: 'datetime' })).toEqual({
      modified_after: '2026-11-30T00:00:00.000Z',
    });
    for (const [query, kind] of [
      ['page=-1', 'int'],
      ['page=1.5', 'int'],
      ['full=ja', 'bool'],
      ['modified_after=2026-13-45', 'datetime'],
      ['organization_id=x', 'uuid'],
    ] as const) {
      expect(() =>
        parseParams(url(query), { page: kind, full: kind, modified_after: kind, organization_id: kind }),
      ).toThrow(/Parameter/);
    }
    expect(() => parseParams(url('unbekannt=1'), { page: 'int' })).toThrow(/unbekannt/);
  });

  it('builds the spec’s page object', () => {
    expect(pageOf(['a', 'b'], 5, 3, 2)).toEqual({
      total_items: 5,
      total_pages: 3,
      page_number: 3,
      size: 2,
      first_page: false,
      last_page: true,
      empty: false,
      contents: ['a', 'b'],
    });
    expect(pageOf([], 0, 1, 50)).toMatchObject({
      total_pages: 0,
      first_page: true,
      last_page: true,
      empty: true,
    });
  });
});

describe('API keys', () => {
  it('are prefixed, random, and only their shape is accepted before any lookup', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^jmdp_[a-z2-7]{32}$/);
    expect(a.key).not.toBe(b.key);
    expect(hashPresentedKey(a.key)).toBe(a.hash);
    expect(a.hash).not.toContain(a.key.slice(5));
    expect(hashPresentedKey('jmdp_short')).toBeNull();
    expect(hashPresentedKey("' or 1=1 --")).toBeNull();
  });

  it('are usable until revoked or expired', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(isKeyUsable({ revokedAt: null, expiresAt: null }, now)).toBe(true);
    expect(isKeyUsable({ revokedAt: null, expiresAt: '2026-12-02T10:00:01.000Z' }, now)).toBe(true);
    expect(isKeyUsable({ revokedAt: null, expiresAt: '2026-12-02T10:00:00.000Z' }, now)).toBe(false);
    expect(isKeyUsable({ revokedAt: '2026-12-01T00:00:00.000Z', expiresAt: null }, now)).toBe(false);
  });

  it('count requests per minute and say how long to wait', () => {
    expect(rateWindowOf(new Date('2026-12-02T10:00:45.200Z'))).toEqual({
      start: '2026-12-02T10:00:00.000Z',
      retryAfterSeconds: 15,
    });
  });
});

describe('web addresses for HSDS', () => {
  it('gain a scheme and drop what is no address', () => {
    expect(asUri('www.vhs-luebeck.de')).toBe('https://www.vhs-luebeck.de');
    expect(asUri('http://example.org/a')).toBe('http://example.org/a');
    expect(asUri('keine Webseite')).toBeUndefined();
    expect(asUri(null)).toBeUndefined();
  });
});
