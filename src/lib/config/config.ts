import { createHash } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import { ROLES, type Role } from '../auth/roles';

/** Accepts "true/false/1/0/yes/no" from the environment. */
const FlagSchema = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const UrlSchema = (name: string) =>
  z.url({ message: `${name} muss eine vollständige URL sein (z. B. http://localhost:4321).` });

const MinutesSchema = (name: string, fallback: number) =>
  z.coerce
    .number({ message: `${name} muss eine Zahl (Minuten) sein.` })
    .int({ message: `${name} muss eine ganze Zahl (Minuten) sein.` })
    .min(1, { message: `${name} muss mindestens 1 Minute betragen.` })
    .default(fallback);

const CountSchema = (name: string, unit: string, min: number, fallback: number) =>
  z.coerce
    .number({ message: `${name} muss eine Zahl (${unit}) sein.` })
    .int({ message: `${name} muss eine ganze Zahl (${unit}) sein.` })
    .min(min, {
      message: min === 0 ? `${name} darf nicht negativ sein.` : `${name} muss mindestens ${min} betragen.`,
    })
    .default(fallback);

/** Schema of every environment variable the app reads; documented in the README. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .default('sqlite:data/partnernetz.sqlite')
    .refine((value) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(value), {
      message:
        'DATABASE_URL muss mit "sqlite:" (z. B. sqlite:data/partnernetz.sqlite) oder "postgres://" beginnen.',
    }),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ message: 'PORT muss eine Zahl sein.' })
    .int()
    .min(1, { message: 'PORT muss zwischen 1 und 65535 liegen.' })
    .max(65535, { message: 'PORT muss zwischen 1 und 65535 liegen.' })
    .default(4321),
  PUBLIC_BASE_URL: UrlSchema('PUBLIC_BASE_URL').optional(),
  SESSION_IDLE_MINUTES: MinutesSchema('SESSION_IDLE_MINUTES', 30),
  SESSION_ABSOLUTE_MINUTES: MinutesSchema('SESSION_ABSOLUTE_MINUTES', 12 * 60),
  TRUST_PROXY: z.coerce
    .number({ message: 'TRUST_PROXY muss die Anzahl vertrauenswürdiger Proxys sein (0, 1, 2 …).' })
    .int()
    .min(0, { message: 'TRUST_PROXY darf nicht negativ sein.' })
    .default(0),
  // Mail server, e.g. smtp://user:pass@mail.example.org:587 or smtps://…:465. Unset: mails stay in the outbox
  // and the dev mailbox (/dev/postfach, development only) shows them. See docs/mail.md.
  SMTP_URL: UrlSchema('SMTP_URL').optional(),
  MAIL_FROM: z.string().default('JMD Partnernetz <no-reply@partnernetz.invalid>'),
  // Attempts per mail before it counts as failed and waits for an admin (/admin/postausgang). Default 8.
  MAIL_MAX_ATTEMPTS: CountSchema('MAIL_MAX_ATTEMPTS', 'Versuche', 1, 8),
  // Wait before the second attempt; doubles with every further attempt, at most 6 hours. Default 60 seconds.
  MAIL_RETRY_BASE_SECONDS: CountSchema('MAIL_RETRY_BASE_SECONDS', 'Sekunden', 1, 60),
  // How often the server runs background jobs (mail, reminders). 0 = never inside the server; then run
  // `npm run jobs` from cron instead. Default 60 seconds.
  JOBS_INTERVAL_SECONDS: CountSchema('JOBS_INTERVAL_SECONDS', 'Sekunden', 0, 60),
  // How long a job's lease lasts without a heartbeat: after a crash, another instance takes the jobs over at most
  // this long later. The holder renews it every third of it while a job runs. Default 30 seconds.
  JOB_LEASE_SECONDS: CountSchema('JOB_LEASE_SECONDS', 'Sekunden', 3, 30),
  // The largest request body the server reads (forms); larger ones are refused with 413 before they are read.
  MAX_BODY_BYTES: CountSchema('MAX_BODY_BYTES', 'Bytes', 1024, 1024 * 1024),
  // The same limit for the file upload of the CSV import (/pflege/import). Default 50 MB.
  UPLOAD_MAX_BYTES: CountSchema('UPLOAD_MAX_BYTES', 'Bytes', 1024, 50 * 1024 * 1024),
  // After how many working days an unanswered referral is reminded again. Default 3.
  REMINDER_REPEAT_WORKING_DAYS: CountSchema('REMINDER_REPEAT_WORKING_DAYS', 'Arbeitstage', 1, 3),
  // After how many days without news a running referral (accepted, in progress, on hold) asks the partner for the
  // outcome; the reminder follows OUTCOME_REMINDER_DAYS later. Defaults 21 and 7.
  OUTCOME_FOLLOWUP_DAYS: CountSchema('OUTCOME_FOLLOWUP_DAYS', 'Tage', 1, 21),
  OUTCOME_REMINDER_DAYS: CountSchema('OUTCOME_REMINDER_DAYS', 'Tage', 1, 7),
  // Test servers only: a file holding an ISO time the app's clock reads instead of the wall clock. Refused in
  // production, where nothing may move the clock.
  TEST_CLOCK_FILE: z.string().optional(),
  // After how many months a directory entry is due for confirmation by its partner organisation. Default 6.
  CONFIRM_INTERVAL_MONTHS: CountSchema('CONFIRM_INTERVAL_MONTHS', 'Monate', 1, 6),
  // Days until an unanswered confirmation request is reminded once, and again until it goes to the coordinator's
  // list. Default 14.
  CONFIRM_REMINDER_DAYS: CountSchema('CONFIRM_REMINDER_DAYS', 'Tage', 1, 14),
  MEILISEARCH_URL: UrlSchema('MEILISEARCH_URL').optional(),
  MEILISEARCH_KEY: z.string().optional(),
  SEARCH_INDEX_PATH: z.string().default(':memory:'),
  // Recent search results kept per process for the index's current state (decision 0030); 0 switches it off.
  SEARCH_RESULT_CACHE: CountSchema('SEARCH_RESULT_CACHE', 'Einträge', 0, 500).pipe(
    z.number().max(100_000, { message: 'SEARCH_RESULT_CACHE darf höchstens 100000 betragen.' }),
  ),
  TILE_URL: z.string().default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  TILE_ATTRIBUTION: z
    .string()
    .default('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende'),
  // Default: seed in development, never in production unless asked for explicitly.
  SEED_ON_EMPTY: FlagSchema.optional(),
  // Retention (docs/datenschutz.md): a case goes this many years after its last activity. Default 3.
  RETENTION_CASE_YEARS: CountSchema('RETENTION_CASE_YEARS', 'Jahre', 1, 3),
  // The text of a sent mail is emptied this many days after it was sent. Default 30.
  OUTBOX_BODY_RETENTION_DAYS: CountSchema('OUTBOX_BODY_RETENTION_DAYS', 'Tage', 1, 30),
  // Working groups: how many days before a meeting its invited members are reminded once. 0 = no reminders.
  MEETING_REMINDER_DAYS: CountSchema('MEETING_REMINDER_DAYS', 'Tage', 0, 3),
  // HSDS API (docs/api.md): 1 publishes the services marked public without a key. Default off.
  HSDS_PUBLIC: FlagSchema.optional(),
  // Requests per minute and API key to /api/hsds/ before 429. Default 120.
  HSDS_RATE_LIMIT: CountSchema('HSDS_RATE_LIMIT', 'Anfragen pro Minute', 1, 120),
  // Requests per minute and client address without a key (HSDS_PUBLIC=1) before 429. Default 60.
  HSDS_PUBLIC_RATE_LIMIT: CountSchema('HSDS_PUBLIC_RATE_LIMIT', 'Anfragen pro Minute', 1, 60),
  // Key for data encrypted at rest (the TOTP secrets): 32 random bytes in Base64 (`openssl rand -base64 32`).
  // Required in production; development and tests use a fixed, publicly known key (DEVELOPMENT_DATA_KEY).
  DATA_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((value) => /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32, {
      message:
        'DATA_ENCRYPTION_KEY muss 32 Bytes in Base64 sein (44 Zeichen, erzeugt z. B. mit „openssl rand -base64 32“).',
    })
    .optional(),
  // Roles that must sign in with a second factor (TOTP); "none" (or an empty value) for none. Default admin, coordinator.
  MFA_REQUIRED_ROLES: z
    .string()
    .default('admin,coordinator')
    .transform((value, check) => {
      const names = value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '' && name !== 'none');
      const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
      if (unknown.length > 0) {
        check.addIssue({
          code: 'custom',
          message: `MFA_REQUIRED_ROLES kennt ${unknown.join(', ')} nicht; erlaubt sind ${ROLES.join(', ')} oder none.`,
        });
        return z.NEVER;
      }
      return names as Role[];
    }),
  // `npm start`: how many server processes (workers) share the port; default one per core, 1 = one process.
  WEB_CONCURRENCY: CountSchema('WEB_CONCURRENCY', 'Worker', 1, os.availableParallelism()).pipe(
    z.number().max(64, { message: 'WEB_CONCURRENCY darf höchstens 64 betragen.' }),
  ),
  // How long a stopping or restarting server waits for requests in flight before it closes their connections.
  SHUTDOWN_GRACE_SECONDS: CountSchema('SHUTDOWN_GRACE_SECONDS', 'Sekunden', 1, 10),
});

/** Validated configuration handed to every part of the app. */
export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  databaseUrl: string;
  host: string;
  port: number;
  publicBaseUrl: string;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  trustProxy: number;
  smtpUrl: string | null;
  mailFrom: string;
  /** Attempts per mail before it is marked failed. */
  mailMaxAttempts: number;
  /** First retry delay in seconds; doubles per attempt, capped at 6 hours. */
  mailRetryBaseSeconds: number;
  /** Interval of the in-server job loop; 0 = no jobs inside the server (cron runs `npm run jobs`). */
  jobsIntervalMs: number;
  /** Lease of a running job; renewed by a heartbeat, so a crashed holder blocks the jobs at most this long. */
  jobLeaseMs: number;
  /** Largest request body read for forms and endpoints; larger ones get 413 before they are read. */
  maxBodyBytes: number;
  /** Largest request body read for the CSV import upload (/pflege/import). */
  uploadMaxBytes: number;
  /** Working days between two reminders of the same unanswered referral. */
  reminderRepeatWorkingDays: number;
  /** Days without news before the partner of a running referral is asked for the outcome. */
  outcomeFollowupDays: number;
  /** Days after that question before the one reminder. */
  outcomeReminderDays: number;
  /** Tests only (never in production): a file whose ISO time the app clock reads. */
  testClockFile: string | null;
  /** Months after the last confirmation until an entry is due for a confirmation request. */
  confirmIntervalMonths: number;
  /** Days from a confirmation request to its reminder, and from the reminder to the coordinator's list. */
  confirmReminderDays: number;
  meilisearchUrl: string | null;
  meilisearchKey: string | null;
  /** Where the SQLite search index lives when the database is PostgreSQL (default: in memory, rebuilt at start). */
  searchIndexPath: string;
  /** Search results kept per process for the index's current state (SQLite engine; 0 = none). */
  searchResultCache: number;
  /** Empty string switches map tiles off (no tile requests at all). */
  tileUrl: string;
  tileAttribution: string;
  seedOnEmpty: boolean;
  /** Roles that must enrol and sign in with a second factor (docs/decisions/0018-totp-second-factor.md). */
  mfaRequiredRoles: Role[];
  version: string;
  /** Years after a case's last activity until the retention job removes it. */
  retentionCaseYears: number;
  /** Days after sending until a sent mail's text is emptied. */
  outboxBodyRetentionDays: number;
  /** Days before a working-group meeting its invited members get one reminder; 0 = none. */
  meetingReminderDays: number;
  /** Whether the HSDS API serves the services marked public without a key (HSDS_PUBLIC=1). */
  hsdsPublic: boolean;
  /** Requests per minute and API key to the HSDS API. */
  hsdsRateLimit: number;
  /** Requests per minute and client address to the HSDS API without a key (HSDS_PUBLIC=1). */
  hsdsPublicRateLimit: number;
  /** AES-256 key for data encrypted at rest (TOTP secrets); the fixed development key outside production. */
  dataEncryptionKey: Uint8Array;
  /** Server processes `npm start` runs on the one port (node:cluster); 1 = a single process as before. */
  webConcurrency: number;
  /** How long a graceful stop waits for requests in flight before it closes their connections. */
  shutdownGraceMs: number;
}

/**
 * The key development and tests use when DATA_ENCRYPTION_KEY is unset: derived from a fixed, published text, so it
 * protects nothing — it only keeps the encrypted code path the same everywhere. Production refuses to start with it.
 */
export const DEVELOPMENT_DATA_KEY: Uint8Array = createHash('sha256')
  .update('JMD Partnernetz: öffentlicher Entwicklungsschlüssel, schützt nichts')
  .digest();

/** Thrown when the environment holds a bad value; the message lists every problem in German. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Ungültige Konfiguration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, version = '0.0.0'): Config {
  // Empty variables count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.SESSION_ABSOLUTE_MINUTES < e.SESSION_IDLE_MINUTES) {
    throw new ConfigError(['SESSION_ABSOLUTE_MINUTES: darf nicht kleiner als SESSION_IDLE_MINUTES sein.']);
  }
  // A movable clock in production would let whoever can write one file extend links and sessions at will.
  if (e.TEST_CLOCK_FILE && e.NODE_ENV === 'production') {
    throw new ConfigError(['TEST_CLOCK_FILE: nur für Tests – in Produktion nicht erlaubt.']);
  }
  // Without its own key a production database would hold the TOTP secrets under a key everyone can read.
  if (!e.DATA_ENCRYPTION_KEY && e.NODE_ENV === 'production') {
    throw new ConfigError([
      'DATA_ENCRYPTION_KEY: in Produktion erforderlich – 32 zufällige Bytes in Base64, erzeugt z. B. mit „openssl rand -base64 32“. Bewahren Sie den Schlüssel getrennt von den Sicherungen auf: ohne ihn lassen sich die eingerichteten Zwei-Faktor-Anmeldungen nicht mehr prüfen.',
    ]);
  }
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_MINUTES * 60_000,
    trustProxy: e.TRUST_PROXY,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    mailMaxAttempts: e.MAIL_MAX_ATTEMPTS,
    mailRetryBaseSeconds: e.MAIL_RETRY_BASE_SECONDS,
    jobsIntervalMs: e.JOBS_INTERVAL_SECONDS * 1000,
    jobLeaseMs: e.JOB_LEASE_SECONDS * 1000,
    maxBodyBytes: e.MAX_BODY_BYTES,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    reminderRepeatWorkingDays: e.REMINDER_REPEAT_WORKING_DAYS,
    outcomeFollowupDays: e.OUTCOME_FOLLOWUP_DAYS,
    outcomeReminderDays: e.OUTCOME_REMINDER_DAYS,
    testClockFile: e.TEST_CLOCK_FILE ?? null,
    confirmIntervalMonths: e.CONFIRM_INTERVAL_MONTHS,
    confirmReminderDays: e.CONFIRM_REMINDER_DAYS,
    meilisearchUrl: e.MEILISEARCH_URL ?? null,
    meilisearchKey: e.MEILISEARCH_KEY ?? null,
    searchIndexPath: e.SEARCH_INDEX_PATH,
    searchResultCache: e.SEARCH_RESULT_CACHE,
    tileUrl: env['TILE_URL'] === '' ? '' : e.TILE_URL,
    tileAttribution: e.TILE_ATTRIBUTION,
    seedOnEmpty: e.SEED_ON_EMPTY ?? e.NODE_ENV !== 'production',
    // Set but empty means "none" here (unlike other variables, where empty means unset).
    mfaRequiredRoles: env['MFA_REQUIRED_ROLES'] === '' ? [] : e.MFA_REQUIRED_ROLES,
    version,
    retentionCaseYears: e.RETENTION_CASE_YEARS,
    outboxBodyRetentionDays: e.OUTBOX_BODY_RETENTION_DAYS,
    meetingReminderDays: e.MEETING_REMINDER_DAYS,
    hsdsPublic: e.HSDS_PUBLIC ?? false,
    hsdsRateLimit: e.HSDS_RATE_LIMIT,
    hsdsPublicRateLimit: e.HSDS_PUBLIC_RATE_LIMIT,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY
      ? new Uint8Array(Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64'))
      : DEVELOPMENT_DATA_KEY,
    webConcurrency: e.WEB_CONCURRENCY,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
  };
}
