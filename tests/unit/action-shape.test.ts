import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditActorOf, systemContext, userOf, type ActionContext } from '../../src/lib/action/context';
import { conflict, invalid, isFailure, notFound, ok, refused } from '../../src/lib/action/result';
import { loadConfig } from '../../src/lib/config/config';
import {
  controlCharacterError,
  multiline,
  parseFormData,
  secret,
  VersionSchema,
} from '../../src/lib/http/form';
import { fixedClock } from '../../src/lib/time/clock';

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
};

const NoteSchema = z.object({
  title: z.string().min(1, { message: 'Titel: bitte angeben.' }),
  note: multiline(z.string().max(2000)).optional(),
  password: secret(z.string()).optional(),
  categories: z.array(z.string()).default([]),
  version: VersionSchema,
});

describe('parseForm', () => {
  it('trims text fields but keeps secrets exactly as typed', () => {
    const parsed = parseFormData(
      form([
        ['title', '  Sprachkurs  '],
        ['password', '  geheim mit Leerzeichen '],
        ['version', '3'],
      ]),
      NoteSchema,
    );
    expect(parsed.ok && parsed.value).toMatchObject({
      title: 'Sprachkurs',
      password: '  geheim mit Leerzeichen ',
      version: 3,
    });
  });

  it('never echoes a secret back into the page', () => {
    const parsed = parseFormData(
      form([
        ['password', 'x'],
        ['version', 'abc'],
      ]),
      NoteSchema,
    );
    expect(parsed.values).not.toHaveProperty('password');
  });

  it('collects list fields and takes the last value of a repeated scalar', () => {
    const parsed = parseFormData(
      form([
        ['title', 'erster'],
        ['title', 'zweiter'],
        ['categories', 'name'],
        ['categories', 'birth_date'],
        ['version', '1'],
      ]),
      NoteSchema,
    );
    expect(parsed.ok && parsed.value.title).toBe('zweiter');
    expect(parsed.ok && parsed.value.categories).toEqual(['name', 'birth_date']);
  });

  it('refuses NUL and other control characters in any field, with a German message and the typed values kept', () => {
    const parsed = parseFormData(
      form([
        ['title', 'a\u0000b'],
        ['version', '1'],
      ]),
      NoteSchema,
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors['title']).toMatch(/Steuerzeichen/);
    expect(parsed.values['title']).toBe('a\u0000b');
  });

  it('allows newlines and tabs only in multi-line fields', () => {
    const inNote = parseFormData(
      form([
        ['title', 'x'],
        ['note', 'Zeile 1\r\n\tZeile 2'],
        ['version', '1'],
      ]),
      NoteSchema,
    );
    expect(inNote.ok).toBe(true);
    const inTitle = parseFormData(
      form([
        ['title', 'x\ny'],
        ['version', '1'],
      ]),
      NoteSchema,
    );
    expect(!inTitle.ok && inTitle.errors['title']).toMatch(/Zeilenumbrüche/);
  });

  it.each(['abc', 'NaN', '1e3', '-1', '0', '99999999999', '2147483648', ''])(
    'refuses the version %j as an input error, never a database error',
    (version) => {
      const parsed = parseFormData(
        form([
          ['title', 'x'],
          ['version', version],
        ]),
        NoteSchema,
      );
      expect(!parsed.ok && parsed.errors['version']).toMatch(/neu/);
    },
  );

  it('accepts the largest 32-bit version', () => {
    const parsed = parseFormData(
      form([
        ['title', 'x'],
        ['version', '2147483647'],
      ]),
      NoteSchema,
    );
    expect(parsed.ok && parsed.value.version).toBe(2_147_483_647);
  });

  it('reports a missing required field by its name', () => {
    const parsed = parseFormData(form([['version', '1']]), NoteSchema);
    expect(!parsed.ok && Object.keys(parsed.errors)).toContain('title');
  });

  it('names the problem of a pasted escape sequence', () => {
    expect(controlCharacterError('\u001b[31mrot', {})).toMatch(/Steuerzeichen/);
    expect(controlCharacterError('Straße 1', {})).toBeNull();
  });
});

describe('Result', () => {
  it('has one constructor per outcome, and failures narrow', () => {
    const outcomes = [
      ok(1),
      invalid({ name: 'fehlt' }),
      conflict('geändert', { v: 2 }),
      notFound(),
      refused('nein'),
    ];
    expect(outcomes.map((r) => (r.ok ? 'ok' : r.kind))).toEqual([
      'ok',
      'invalid',
      'conflict',
      'not_found',
      'refused',
    ]);
    expect(outcomes.filter(isFailure)).toHaveLength(4);
  });
});

describe('ActionContext', () => {
  const config = loadConfig({}, '1.0.0');
  const user = { id: 'u1', organizationId: 'o1', role: 'caseworker' as const, active: true };

  it('names a user, a link holder or nobody in the audit log', () => {
    const base = { requestId: 'r', now: new Date(0), config };
    expect(auditActorOf({ ...base, actor: { kind: 'user', user } })).toEqual({
      id: 'u1',
      organizationId: 'o1',
    });
    expect(
      auditActorOf({ ...base, actor: { kind: 'link', linkId: 'l', referralId: 'x', organizationId: 'p1' } }),
    ).toEqual({ id: null, organizationId: 'p1' });
    expect(auditActorOf(systemContext(config, 'mail', new Date(0)))).toBeNull();
  });

  it('gives the signed-in user only for user actors', () => {
    const ctx: ActionContext = { actor: { kind: 'user', user }, requestId: null, now: new Date(0), config };
    expect(userOf(ctx)).toBe(user);
    expect(userOf({ actor: { kind: 'anonymous' } })).toBeNull();
  });
});

describe('fixedClock', () => {
  it('moves only when a test moves it', () => {
    const clock = fixedClock(new Date('2026-12-01T08:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-12-01T08:00:00.000Z');
    clock.advance(21 * 86_400_000);
    expect(clock.now().toISOString()).toBe('2026-12-22T08:00:00.000Z');
  });
});
