import { z } from 'zod';
import type { FieldErrors } from '../action/result';
import { AppError } from './app-error';
import { fieldErrors } from './form-errors';

/** How a form field is read: multi-line text may hold newlines and tabs; secrets are not trimmed. */
export interface FormFieldMeta {
  multiline?: boolean;
  keepSpaces?: boolean;
}

/** Marks form fields (see `multiline` and `secret`); parseForm reads it from a field's schema. */
export const formFields = z.registry<FormFieldMeta>();

/** A field whose text may span lines (textarea): newlines and tabs are allowed there, nowhere else. */
export function multiline<S extends z.ZodType>(schema: S): S {
  formFields.add(schema, { multiline: true });
  return schema;
}

/** A field taken exactly as typed (passwords): not trimmed; newlines and tabs still refused. */
export function secret<S extends z.ZodType>(schema: S): S {
  formFields.add(schema, { keepSpaces: true });
  return schema;
}

/** The answer to a form whose action (intent) the page does not know: a tampered or outdated page. */
export const UNKNOWN_ACTION_MESSAGE = 'Unbekannte Aktion. Bitte laden Sie die Seite neu.';

/** What the user typed, to show again after an error: strings, or lists for multi-value fields. */
export type FormValues = Record<string, string | string[]>;

/** The parsed form, or the field errors; `values` always holds what was typed. */
export type ParsedForm<T> =
  | { ok: true; value: T; values: FormValues }
  | { ok: false; kind: 'invalid'; errors: FieldErrors; values: FormValues };

const MAX_VERSION = 2_147_483_647;

/**
 * A form's optimistic-locking `version`: a positive 32-bit integer. Junk, NaN or out-of-range values are an input
 * error, never a database error (PostgreSQL refuses integers over 2^31 - 1 with a 500 otherwise).
 */
export const VersionSchema = z
  .string({ message: 'Das Formular ist unvollständig. Bitte laden Sie die Seite neu.' })
  .regex(/^\d{1,10}$/, {
    message: 'Das Formular ist veraltet oder unvollständig. Bitte laden Sie die Seite neu.',
  })
  .transform(Number)
  .refine((value) => value >= 1 && value <= MAX_VERSION, {
    message: 'Das Formular ist veraltet oder unvollständig. Bitte laden Sie die Seite neu.',
  });

// C0 control characters and DEL. NUL makes PostgreSQL fail ("invalid byte sequence"); the others have no place in
// form text. Tab, CR and LF are allowed in multi-line fields only.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LINE_BREAK_OR_TAB = /[\t\r\n]/;

/** The meta of a field, looking through optional/default/pipe wrappers. */
export function fieldMetaOf(schema: z.ZodType | undefined): FormFieldMeta {
  let current: unknown = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    const meta = formFields.get(current as z.ZodType);
    if (meta) return meta;
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def ?? {};
    current = def['innerType'] ?? def['in'] ?? def['schema'];
  }
  return {};
}

/** Whether a field's schema takes a list (checkbox groups, multi-selects). */
function isListField(schema: z.ZodType | undefined): boolean {
  let current: unknown = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def ?? {};
    if (def['type'] === 'array') return true;
    current = def['innerType'] ?? def['in'] ?? def['schema'];
  }
  return false;
}

/** Checks one typed text for characters the field cannot hold; returns the German message or null. */
export function controlCharacterError(value: string, meta: FormFieldMeta): string | null {
  if (CONTROL.test(value)) {
    return 'Enthält unzulässige Steuerzeichen (z. B. aus einer kopierten Datei). Bitte tippen Sie den Text neu ein.';
  }
  if (!meta.multiline && LINE_BREAK_OR_TAB.test(value)) {
    return 'Bitte ohne Zeilenumbrüche und Tabulatoren eingeben.';
  }
  return null;
}

/**
 * Reads a form with the page's zod object schema: the one way every page reads a POST. Strings are trimmed (not
 * secrets), control characters refused, list fields collected, `version` checked by `VersionSchema`. A broken body
 * is a 400 (AppError); every other problem comes back as German field errors with what was typed.
 */
export async function parseForm<S extends z.ZodObject>(
  request: Request,
  schema: S,
): Promise<ParsedForm<z.output<S>>> {
  return parseFormData(await readFormData(request), schema);
}

/**
 * Reads a form body once, for pages with several forms that pick their schema by a field (then `parseFormData`).
 * A broken body is a 400 (AppError), never a 500.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new AppError(
      'bad_request',
      'Das Formular konnte nicht gelesen werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
    );
  }
}

/** parseForm on an already read FormData (pages with several forms read the body once). */
export function parseFormData<S extends z.ZodObject>(form: FormData, schema: S): ParsedForm<z.output<S>> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const values: FormValues = {};
  const input: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  const keys = new Set<string>([...form.keys()]);
  for (const key of keys) {
    const field = shape[key];
    const meta = fieldMetaOf(field);
    const entries = form.getAll(key);
    const files = entries.filter((entry): entry is File => typeof entry !== 'string');
    const texts = entries
      .filter((entry): entry is string => typeof entry === 'string')
      .map((text) => (meta.keepSpaces ? text : text.trim()));
    for (const text of texts) {
      const problem = controlCharacterError(text, meta);
      if (problem) errors[key] ??= problem;
    }
    if (isListField(field)) {
      values[key] = texts;
      input[key] = texts;
    } else if (files.length > 0 && texts.length === 0) {
      input[key] = files[files.length - 1];
    } else if (texts.length > 0) {
      // A scalar sent twice (a tampered form): the last value wins, as browsers send fields in document order.
      const last = texts[texts.length - 1]!;
      values[key] = meta.keepSpaces ? '' : last;
      input[key] = last;
    }
  }
  // Never echo secrets back into the page.
  for (const [key, field] of Object.entries(shape)) if (fieldMetaOf(field).keepSpaces) delete values[key];
  if (Object.keys(errors).length > 0) return { ok: false, kind: 'invalid', errors, values };
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, kind: 'invalid', errors: fieldErrors(parsed.error), values };
  return { ok: true, value: parsed.data, values };
}
