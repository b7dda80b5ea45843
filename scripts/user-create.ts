/** CLI: `npm run user:create -- --email a@b.de --name "Name" [--role admin] [--organization "Name"]` — e.g. the first admin. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { UserFormSchema } from '../src/lib/auth/auth';
import { createUser, findUserRowByEmail } from '../src/lib/auth/auth.queries';
import { issuePasswordLink } from '../src/lib/auth/password-link.service';
import { recordAuditUnclocked } from '../src/lib/audit/audit.queries';
import { createOrganization, listOrganizations } from '../src/lib/directory/organization.queries';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'admin' },
    organization: { type: 'string', default: 'Träger' },
  },
});

const config = loadConfig();
const db = createDb(config);
try {
  await migrateToLatest(db);
  let organization = (await listOrganizations(db, { text: values.organization, limit: 1 })).items[0];
  organization ??= await createOrganization(db, {
    kind: 'traeger',
    category: null,
    parentId: null,
    name: values.organization!,
    street: null,
    postcode: null,
    city: null,
    district: null,
    latitude: null,
    longitude: null,
    phone: null,
    email: null,
    website: null,
    description: null,
    languages: [],
  });
  const parsed = UserFormSchema.safeParse({
    displayName: values.name,
    email: values.email,
    role: values.role,
    organizationId: organization.id,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    console.error(
      'Aufruf: npm run user:create -- --email admin@traeger.de --name "Vorname Nachname" [--role admin]',
    );
    process.exitCode = 2;
  } else if (await findUserRowByEmail(db, parsed.data.email)) {
    console.error('Zu dieser E-Mail-Adresse gibt es bereits einen Benutzer.');
    process.exitCode = 1;
  } else {
    const user = await createUser(db, parsed.data);
    const link = await issuePasswordLink(db, config, user.id);
    await recordAuditUnclocked(db, { actor: null, action: 'user.create', objectType: 'user', objectId: user.id });
    console.log(`Benutzer angelegt (${user.role}) in „${organization.name}“.`);
    console.log(`Passwort setzen (einmalig, gültig bis ${link.expiresAt}):\n  ${link.url}`);
  }
} finally {
  await db.destroy();
}
