import { describe, expect, it } from 'vitest';
import { currentNavHref, navigationFor } from '../../src/lib/http/navigation';

describe('navigation', () => {
  it('marks only the most specific entry as current', () => {
    const admin = navigationFor('admin');
    expect(currentNavHref(admin, '/admin')).toBe('/admin');
    expect(currentNavHref(admin, '/admin/benutzer/abc')).toBe('/admin/benutzer');
    expect(currentNavHref(admin, '/admin/benutzerliste')).toBe('/admin');
    expect(currentNavHref(admin, '/konto')).toBeNull();
  });

  it('shows administration only to admins and partner upkeep to coordinators', () => {
    const hrefs = (role: Parameters<typeof navigationFor>[0]) => navigationFor(role).map((i) => i.href);
    expect(hrefs('admin')).toContain('/admin/benutzer');
    expect(hrefs('admin')).toContain('/admin/postausgang');
    expect(hrefs('coordinator')).not.toContain('/admin/benutzer');
    expect(hrefs('coordinator')).not.toContain('/admin/postausgang');
    expect(hrefs('coordinator')).toContain('/admin/organisationen');
    expect(hrefs('caseworker').some((h) => h.startsWith('/admin'))).toBe(false);
    expect(hrefs('partner').some((h) => h.startsWith('/admin'))).toBe(false);
    expect(hrefs(null)).toEqual([]);
  });

  it('offers the search to every signed-in role, right after the daily work of caseworkers and partners', () => {
    for (const role of ['caseworker', 'partner', 'coordinator', 'admin'] as const) {
      expect(
        navigationFor(role).map((i) => i.href),
        role,
      ).toContain('/suche');
    }
    expect(
      navigationFor('caseworker')
        .map((i) => i.href)
        .slice(0, 3),
    ).toEqual(['/vermittlungen', '/faelle', '/suche']);
    expect(
      navigationFor('partner')
        .map((i) => i.href)
        .slice(0, 2),
    ).toEqual(['/eingang', '/suche']);
    expect(navigationFor('coordinator')[0]).toEqual({ href: '/suche', label: 'Suche' });
  });
});
