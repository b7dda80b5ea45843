import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS, AUDIT_OBJECT_LABELS } from '../../src/lib/audit/audit-labels';
import { PRIVACY_ACTION_LABELS } from '../../src/lib/privacy/access.view';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|astro)$/.test(entry.name) ? [full] : [];
  });
}

// The audit viewer shows every recorded action and object in German, never a key such as "referral.message".
describe('audit labels', () => {
  const sources = sourceFiles(path.resolve('src')).map((file) => fs.readFileSync(file, 'utf8'));

  it('has a German label for every action the code records', () => {
    const actions = new Set(
      sources.flatMap((text) => [...text.matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)].map((m) => m[1]!)),
    );
    expect(actions.size).toBeGreaterThan(40);
    const missing = [...actions].filter((a) => !AUDIT_ACTION_LABELS[a] && !PRIVACY_ACTION_LABELS[a]);
    expect(missing).toEqual([]);
  });

  it('has a German label for every object type the code records', () => {
    const types = new Set(
      sources.flatMap((text) => [...text.matchAll(/objectType: '([a-z_]+)'/g)].map((m) => m[1]!)),
    );
    expect(types.size).toBeGreaterThan(10);
    expect([...types].filter((t) => !AUDIT_OBJECT_LABELS[t])).toEqual([]);
  });
});
