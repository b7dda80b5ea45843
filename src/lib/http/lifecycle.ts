/**
 * The process's shutdown hooks, shared between the built app (dist/server, a bundle with its own copy of every
 * module) and the script that serves it (scripts/start.ts through tsx): both reach the one registry on
 * `globalThis` under a well-known symbol, so the server that drains the requests can also stop the job loop and
 * close the database pool the app opened.
 * @module
 */

/** A hook run once when the process shuts down gracefully (after the last request was answered). */
export type ShutdownHook = () => Promise<void>;

interface Lifecycle {
  /** True when a supervisor (src/lib/http/serve.ts) handles the signals; the app then installs no handlers. */
  managed: boolean;
  hooks: ShutdownHook[];
}

const KEY = Symbol.for('jmd-partnernetz.lifecycle');

function lifecycle(): Lifecycle {
  const holder = globalThis as { [KEY]?: Lifecycle };
  return (holder[KEY] ??= { managed: false, hooks: [] });
}

/** Marks this process as served by the supervisor in serve.ts (before the app is loaded). */
export function markManaged(): void {
  lifecycle().managed = true;
}

/** Whether signals are handled by the supervisor rather than by the app itself. */
export function isManaged(): boolean {
  return lifecycle().managed;
}

/** Registers a hook for the graceful shutdown (stop the job loop, close the pool …). */
export function onShutdown(hook: ShutdownHook): void {
  lifecycle().hooks.push(hook);
}

/** Runs every registered hook once, last registered first; a failing hook is reported and the next one runs. */
export async function runShutdownHooks(): Promise<void> {
  const hooks = lifecycle().hooks.splice(0).reverse();
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      // Only the error's kind: driver messages can carry connection strings.
      console.error(`Beim Beenden: ${error instanceof Error ? error.name : 'Fehler'}`);
    }
  }
}
