import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmd-start-'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs `npm start`'s script until the server answers, then stops it; returns everything it printed. */
async function start(databaseFile: string, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      DATABASE_URL: `sqlite:${path.join(dir, databaseFile)}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Start beendet (${child.exitCode}):\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return output;
      if (Date.now() > deadline) throw new Error(`Server nicht bereit:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

describe('npm start', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('seeds an empty database once and prints the demo logins only then', async () => {
    const first = await start('dev.sqlite');
    expect(first).toContain('Beispielregion Lübeck geladen');
    expect(first).toMatch(/admin@partnernetz\.example\s+\S+-\S+-\S+-\d{3}/);
    expect(first).toContain('/anmelden');
    const second = await start('dev.sqlite');
    expect(second).not.toContain('Demo-Zugänge');
    expect(second).not.toContain('admin@partnernetz.example');
  }, 120_000);

  it('never seeds or prints demo passwords in production unless asked, and then without passwords', async () => {
    const production = {
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://partnernetz.example',
      DATA_ENCRYPTION_KEY: 'dGVzdC1zZXJ2ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=',
    };
    const plain = await start('prod.sqlite', production);
    expect(plain).not.toContain('Beispielregion');
    expect(plain).not.toContain('@partnernetz.example');
    const seeded = await start('prod-seeded.sqlite', { ...production, SEED_ON_EMPTY: 'true' });
    expect(seeded).toContain('keine Demo-Passwörter');
    expect(seeded).not.toMatch(/admin@partnernetz\.example\s+\S+-\S+/);
  }, 120_000);

  it('stops with a clear German message for a bad setting', async () => {
    await expect(start('bad.sqlite', { PORT: 'achtzig' })).rejects.toThrow(/PORT muss/);
  }, 60_000);
});
