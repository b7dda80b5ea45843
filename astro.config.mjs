// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Server-rendered app; the node adapter in standalone mode serves the built site itself.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Astro refuses cross-site form POSTs (CSRF); our middleware checks every unsafe method as well.
  security: {
    checkOrigin: true,
    // Since Astro 5.14 the request URL ignores the Host header unless it matches `allowedDomains`, which would
    // make every same-origin form look cross-site. The host is only known at run time (PUBLIC_BASE_URL), so we
    // accept the Host the request came with: a cross-site browser request cannot forge Host, so the origin
    // check still stops CSRF, and absolute links are built from PUBLIC_BASE_URL, never from Host.
    // See docs/decisions/0005-origin-check-and-host.md.
    allowedDomains: [{}],
  },
  // No inline styles or scripts, so the Content-Security-Policy can forbid them.
  build: { inlineStylesheets: 'never' },
  vite: { build: { assetsInlineLimit: 0 } },
  devToolbar: { enabled: false },
});
