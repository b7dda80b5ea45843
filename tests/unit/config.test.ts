import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config/config';

describe('config', () => {
  it('defaults to an SQLite file under data/ and the documented session limits', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('sqlite:data/partnernetz.sqlite');
    expect(config.sessionIdleMs).toBe(30 * 60_000);
    expect(config.sessionAbsoluteMs).toBe(12 * 60 * 60_000);
    expect(config.isProduction).toBe(false);
  });

  it('names the bad variable in German', () => {
    expect(() => loadConfig({ PORT: 'achtzig' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'achtzig' })).toThrow(/PORT: PORT muss eine Zahl sein/);
  });

  it('refuses an unknown database scheme', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL muss mit "sqlite:"/);
  });

  it('refuses an absolute lifetime shorter than the idle timeout', () => {
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '60', SESSION_ABSOLUTE_MINUTES: '30' })).toThrow(
      /SESSION_ABSOLUTE_MINUTES/,
    );
  });

  it('switches map tiles off with an empty TILE_URL', () => {
    expect(loadConfig({ TILE_URL: '' }).tileUrl).toBe('');
    expect(loadConfig({}).tileUrl).toContain('openstreetmap');
  });

  it('derives the public base URL from the port when none is given', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://netz.example.org/' }).publicBaseUrl).toBe(
      'https://netz.example.org',
    );
  });

  it('runs jobs every minute and retries mail eight times from one minute on by default', () => {
    const config = loadConfig({});
    expect(config.jobsIntervalMs).toBe(60_000);
    expect(config.mailMaxAttempts).toBe(8);
    expect(config.mailRetryBaseSeconds).toBe(60);
    expect(config.reminderRepeatWorkingDays).toBe(3);
  });

  it('reads the job and mail settings and lets JOBS_INTERVAL_SECONDS=0 switch the in-server jobs off', () => {
    const config = loadConfig({
      JOBS_INTERVAL_SECONDS: '0',
      MAIL_MAX_ATTEMPTS: '3',
      MAIL_RETRY_BASE_SECONDS: '5',
      REMINDER_REPEAT_WORKING_DAYS: '2',
    });
    expect(config.jobsIntervalMs).toBe(0);
    expect(config.mailMaxAttempts).toBe(3);
    expect(config.mailRetryBaseSeconds).toBe(5);
    expect(config.reminderRepeatWorkingDays).toBe(2);
  });

  it('refuses job and mail settings that make no sense, in German', () => {
    expect(() => loadConfig({ JOBS_INTERVAL_SECONDS: '-1' })).toThrow(
      /JOBS_INTERVAL_SECONDS darf nicht negativ sein/,
    );
    expect(() => loadConfig({ MAIL_MAX_ATTEMPTS: '0' })).toThrow(
      /MAIL_MAX_ATTEMPTS muss mindestens 1 betragen/,
    );
    expect(() => loadConfig({ MAIL_RETRY_BASE_SECONDS: 'bald' })).toThrow(
      /MAIL_RETRY_BASE_SECONDS muss eine Zahl \(Sekunden\) sein/,
    );
    expect(() => loadConfig({ REMINDER_REPEAT_WORKING_DAYS: '1.5' })).toThrow(
      /REMINDER_REPEAT_WORKING_DAYS muss eine ganze Zahl \(Arbeitstage\) sein/,
    );
  });

  it('lets a crashed job holder block the jobs for at most 30 seconds by default', () => {
    expect(loadConfig({}).jobLeaseMs).toBe(30_000);
    expect(loadConfig({ JOB_LEASE_SECONDS: '10' }).jobLeaseMs).toBe(10_000);
    expect(() => loadConfig({ JOB_LEASE_SECONDS: '1' })).toThrow(
      /JOB_LEASE_SECONDS muss mindestens 3 betragen/,
    );
  });

  it('reads at most 1 MB of a form and 50 MB of an import upload by default', () => {
    const config = loadConfig({});
    expect(config.maxBodyBytes).toBe(1024 * 1024);
    expect(config.uploadMaxBytes).toBe(50 * 1024 * 1024);
    const custom = loadConfig({ MAX_BODY_BYTES: '2048', UPLOAD_MAX_BYTES: '4096' });
    expect([custom.maxBodyBytes, custom.uploadMaxBytes]).toEqual([2048, 4096]);
    expect(() => loadConfig({ MAX_BODY_BYTES: 'viel' })).toThrow(
      /MAX_BODY_BYTES muss eine Zahl \(Bytes\) sein/,
    );
  });
  it('refuses to start in production without DATA_ENCRYPTION_KEY and refuses a key that is not 32 bytes', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATA_ENCRYPTION_KEY: in Produktion erforderlich/,
    );
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: key }).dataEncryptionKey).toEqual(
      new Uint8Array(Buffer.alloc(32, 1)),
    );
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /DATA_ENCRYPTION_KEY muss 32 Bytes in Base64 sein/,
    );
    // Development and tests run with the fixed, published key.
    expect(loadConfig({}).dataEncryptionKey).toHaveLength(32);
  });
});
