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
});
