/** CLI: `npm run user:create -- --email a@b.de --name "Name" [--role admin] [--organization "Name"]` — e.g. the first admin. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/config/config';
import { createDb } from '../src/lib/db/create-db';
import { migrateToLatest } from '../src/lib/db/migrator';
import { systemContext } from '../src/lib/action/context';
import { UserFormSchema } from '../src/lib/auth/auth';
import { createUserWithLink } from '../src/lib/auth/user-admin.service';
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
  organization ??= await createOrganization(
    db,
    {
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
    },
    { now: new Date() },
  );
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
  } else {
    const result = await createUserWithLink(
      db,
      systemContext(config, 'user:create', new Date()),
      parsed.data,
    );
    if (result.ok) {
      const { user, link } = result.value;
      console.log(`Benutzer angelegt (${user.role}) in „${organization.name}“.`);
      console.log(`Passwort setzen (einmalig, gültig bis ${link.expiresAt}):\n  ${link.url}`);
    } else if (result.kind === 'invalid' && result.errors['email']) {
      console.error('Zu dieser E-Mail-Adresse gibt es bereits einen Benutzer.');
      process.exitCode = 1;
    } else {
      const errors = result.kind === 'invalid' ? Object.values(result.errors) : [result.kind];
      for (const message of errors) console.error(message);
      process.exitCode = 1;
    }
  }
} finally {
  await db.destroy();
}
