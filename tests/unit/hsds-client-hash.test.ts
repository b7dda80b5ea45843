import { describe, expect, it } from 'vitest';
import { clientHashOf, networkOf } from '../../src/lib/hsds/api-key';

const key = new Uint8Array(32).fill(9);

describe('anonymous HSDS client names', () => {
  it('keeps an IPv4 address whole and cuts IPv6 to its /64 network', () => {
    expect(networkOf('198.51.100.7')).toBe('198.51.100.7');
    expect(networkOf('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(networkOf('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
  });

  it('names a client by a keyed hash that holds no part of the address', () => {
    const hash = clientHashOf(key, '198.51.100.7');
    expect(hash).toHaveLength(32);
    expect(hash).not.toContain('198');
    expect(clientHashOf(key, '198.51.100.7')).toBe(hash);
    expect(clientHashOf(key, '198.51.100.8')).not.toBe(hash);
    expect(clientHashOf(new Uint8Array(32).fill(1), '198.51.100.7')).not.toBe(hash);
    expect(clientHashOf(key, '2001:db8:1:2::5')).toBe(clientHashOf(key, '2001:db8:1:2:ffff::1'));
  });
});
