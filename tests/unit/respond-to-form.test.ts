import type { AstroGlobal } from 'astro';
import { describe, expect, it } from 'vitest';
import { conflict, ok, refused } from '../../src/lib/action/result';
import type { ParsedForm } from '../../src/lib/http/form';
import { respondToForm } from '../../src/lib/http/respond';

/** The few parts of Astro's page global that `respond` uses: status, redirect, cookies, config. */
function fakeAstro() {
  const cookies = new Map<string, string>();
  const astro = {
    response: { status: 200 },
    cookies: { set: (name: string, value: string) => cookies.set(name, value) },
    redirect: (path: string, status: number) => new Response(null, { status, headers: { location: path } }),
    locals: { app: { config: { isProduction: false } } },
  };
  return { astro: astro as unknown as AstroGlobal, fake: astro, cookies };
}

const typed = { name: 'Sprachcafé', version: '3' };
const parsedOk: ParsedForm<{ name: string; version: number }> = {
  ok: true,
  value: { name: 'Sprachcafé', version: 3 },
  values: typed,
};

describe('respondToForm', () => {
  it('answers a form that did not parse with 422 and what was typed, without running the action', async () => {
    const { astro, fake } = fakeAstro();
    let ran = false;
    const out = await respondToForm(
      astro,
      { ok: false, kind: 'invalid', errors: { name: 'Bitte einen Namen eingeben.' }, values: typed },
      async () => {
        ran = true;
        return ok(1);
      },
      { success: 'Gespeichert.', redirect: '/x' },
    );
    expect(ran).toBe(false);
    expect(fake.response.status).toBe(422);
    expect(out).toEqual({ errors: { name: 'Bitte einen Namen eingeben.' }, values: typed, current: null });
  });

  it('runs the action with the parsed input and redirects (303) with the message, both told the input', async () => {
    const { astro, cookies } = fakeAstro();
    const out = await respondToForm(astro, parsedOk, async (input) => ok({ id: `s-${input.version}` }), {
      success: (value, input) => `„${input.name}“ ist gespeichert (${value.id}).`,
      redirect: (value) => `/pflege/angebote/${value.id}`,
    });
    expect(out).toBeInstanceOf(Response);
    expect((out as Response).status).toBe(303);
    expect((out as Response).headers.get('location')).toBe('/pflege/angebote/s-3');
    expect([...cookies.values()]).toEqual(['„Sprachcafé“ ist gespeichert (s-3).']);
  });

  it('keeps what was typed after a conflict, with the current state', async () => {
    const { astro, fake } = fakeAstro();
    const out = await respondToForm(
      astro,
      parsedOk,
      async () => conflict('Inzwischen geändert.', { version: 4 }),
      {
        success: 'Gespeichert.',
        redirect: '/x',
      },
    );
    expect(fake.response.status).toBe(409);
    expect(out).toEqual({
      errors: { _form: 'Inzwischen geändert.' },
      values: typed,
      current: { version: 4 },
    });
  });

  it('keeps nothing typed after a refusal when asked to (a button whose form shows the stored state)', async () => {
    const { astro, fake } = fakeAstro();
    const out = await respondToForm(astro, parsedOk, async () => refused('Nicht erlaubt.'), {
      success: 'Gespeichert.',
      redirect: '/x',
      keepValues: false,
    });
    expect(fake.response.status).toBe(403);
    expect(out).toEqual({ errors: { _form: 'Nicht erlaubt.' }, values: {}, current: null });
  });
});
