import type { DemoLogin } from '../db/seed/seed';
import { ROLE_LABELS, type Role } from '../src/lib/auth/roles';

/** A progress printer for long CLI jobs: a bar on a terminal, a line per 10 % otherwise. */
export function progressBar(label: string): (done: number, total: number) => void {
  let lastDecile = -1;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    if (process.stdout.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stdout.write(
        `\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`,
      );
      if (done === total) process.stdout.write('\n');
    } else {
      const decile = Math.floor(share * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        console.log(`${label}: ${done}/${total} (${Math.round(share * 100)} %)`);
      }
    }
  };
}

/** Prints the demo accounts once, right after seeding (never in production). */
export function printDemoLogins(
  logins: DemoLogin[],
  baseUrl: string,
  mfaRequiredRoles: readonly Role[] = [],
): void {
  console.log('\nBeispielregion Lübeck geladen. Demo-Zugänge (nur jetzt angezeigt):');
  for (const login of logins) {
    console.log(`  ${ROLE_LABELS[login.role].padEnd(22)} ${login.email.padEnd(40)} ${login.password}`);
  }
  if (mfaRequiredRoles.length > 0) {
    // The demo accounts of these roles meet the second factor as a new account would (decision 0018).
    console.log(
      `\n${mfaRequiredRoles.map((role) => ROLE_LABELS[role]).join(' und ')}: Bei der ersten Anmeldung richten Sie die` +
        '\nZwei-Faktor-Anmeldung mit einer Authenticator-App ein (QR-Code oder Schlüssel zum Eintippen).' +
        '\nNur zum Ausprobieren ohne App: MFA_REQUIRED_ROLES=none npm start',
    );
  }
  console.log(`\nAnmelden unter ${baseUrl}/anmelden\n`);
}
