// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Server-rendered app; the node adapter in standalone mode serves the built site itself.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Astro refuses cross-site form POSTs (CSRF); our middleware checks every unsafe method as well.
  security: { checkOrigin: true },
  // No inline styles or scripts, so the Content-Security-Policy can forbid them.
  build: { inlineStylesheets: 'never' },
  vite: { build: { assetsInlineLimit: 0 } },
  devToolbar: { enabled: false },
});
