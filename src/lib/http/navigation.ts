import type { Role } from '../auth/roles';

/** One entry of the main navigation. */
export interface NavItem {
  href: string;
  label: string;
}

const NAV: Record<Role, NavItem[]> = {
  caseworker: [
    { href: '/vermittlungen', label: 'Vermittlungen' },
    { href: '/faelle', label: 'Fälle' },
    { href: '/suche', label: 'Suche' },
    { href: '/arbeitskreise', label: 'Arbeitskreise' },
    { href: '/verzeichnis', label: 'Partnerverzeichnis' },
    { href: '/netzwerk/bericht', label: 'Bericht' },
  ],
  partner: [
    { href: '/eingang', label: 'Eingang' },
    { href: '/suche', label: 'Suche' },
    { href: '/einrichtung', label: 'Meine Einrichtung' },
    { href: '/arbeitskreise', label: 'Arbeitskreise' },
    { href: '/verzeichnis', label: 'Partnerverzeichnis' },
    { href: '/netzwerk/bericht', label: 'Bericht' },
  ],
  coordinator: [
    { href: '/suche', label: 'Suche' },
    { href: '/netzwerk', label: 'Netzwerk' },
    { href: '/arbeitskreise', label: 'Arbeitskreise' },
    { href: '/verzeichnis', label: 'Partnerverzeichnis' },
    { href: '/pflege', label: 'Verzeichnis pflegen' },
    { href: '/admin/organisationen', label: 'Partnereinrichtungen' },
    { href: '/netzwerk/bericht', label: 'Bericht' },
  ],
  admin: [
    { href: '/suche', label: 'Suche' },
    { href: '/admin', label: 'Verwaltung' },
    { href: '/admin/benutzer', label: 'Benutzer' },
    { href: '/admin/organisationen', label: 'Organisationen' },
    { href: '/admin/protokoll', label: 'Protokoll' },
    { href: '/admin/postausgang', label: 'Postausgang' },
    { href: '/arbeitskreise', label: 'Arbeitskreise' },
    { href: '/verzeichnis', label: 'Partnerverzeichnis' },
    { href: '/pflege', label: 'Pflege' },
    { href: '/admin/api-schluessel', label: 'API-Schlüssel' },
  ],
};

/** The navigation a role sees (the policy still guards every page). */
export function navigationFor(role: Role | null): NavItem[] {
  return role ? NAV[role] : [];
}

/** The entry to mark as the current page: the longest href that is the path or a parent of it. */
export function currentNavHref(items: NavItem[], path: string): string | null {
  const matches = items
    .map((item) => item.href)
    .filter((href) => path === href || (href !== '/' && path.startsWith(`${href}/`)));
  return matches.sort((a, b) => b.length - a.length)[0] ?? null;
}
