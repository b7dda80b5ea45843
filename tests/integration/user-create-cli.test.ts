import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/lib/db/create-db';
import { findUserRowByEmail } from '../../src/lib/auth/auth.queries';
import { generateDemoPassword } from '../../db/seed/seed';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-cli-'));
const databaseUrl = `sqlite:${path.join(dir, 'cli.sqlite')}`;
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/user-create.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PUBLIC_BASE_URL: 'https://partnernetz.example' },
  });

describe('npm run user:create', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the first admin on an empty database and prints a single-use link', async () => {
    const { stdout } = await cli('--email', 'Erste@Traeger.example', '--name', 'Erste Administration');
    expect(stdout).toMatch(/https:\/\/partnernetz\.example\/passwort-setzen\/[a-z2-7]{32}/);
    const db = createDb({ databaseUrl });
    const row = await findUserRowByEmail(db, 'erste@traeger.example');
    await db.destroy();
    expect(row).toMatchObject({ role: 'admin', password_hash: null });
  }, 60_000);

  it('refuses a duplicate and a bad address with a German message and a non-zero exit code', async () => {
    await expect(cli('--email', 'erste@traeger.example', '--name', 'Noch Mal')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('bereits einen Benutzer'),
    });
    await expect(cli('--email', 'kein-at', '--name', 'X Y')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('gültige E-Mail-Adresse'),
    });
  }, 60_000);
});

describe('demo passwords', () => {
  it('are three different words and a number, and differ between runs', () => {
    const passwords = Array.from({ length: 50 }, generateDemoPassword);
    for (const password of passwords) {
      const [a, b, c, n] = password.split('-');
      expect(new Set([a, b, c]).size).toBe(3);
      expect(Number(n)).toBeGreaterThanOrEqual(100);
      expect(password.length).toBeGreaterThanOrEqual(10);
    }
    expect(new Set(passwords).size).toBeGreaterThan(40);
  });
});
