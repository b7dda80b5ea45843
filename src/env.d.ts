/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    app: import('./lib/http/app-context').AppContext;
    requestId: string;
    clientIp: string;
    user: import('./lib/auth/auth').User | null;
    session: import('./lib/auth/auth').Session | null;
  }
}
