/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    app: import('./lib/http/app-context').AppContext;
    requestId: string;
    clientIp: string;
    user: import('./lib/auth/auth').User | null;
    session: import('./lib/auth/auth').Session | null;
    /** The request's time, read once from the app clock: every action of this request uses it. */
    now: Date;
    /** The success message of the POST that redirected here (Post/Redirect/Get), shown once. */
    flash: string | null;
  }
}
