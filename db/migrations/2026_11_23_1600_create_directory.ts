import type { Kysely } from 'kysely';

// The directory after Open Referral HSDS 3.x: services offered by organizations at locations, with contacts,
// phones, weekly schedules, languages and a German category tree; plus the change history and postcode
// centroids. Portable types only (see the foundation migration). The default category tree is reference data
// and frozen here; coordinators add terms at run time.

const TREE: [key: string, parent: string | null, name: string][] = [
  ['bildung', null, 'Schule und Bildung'],
  ['bildung.allgemeinbildende_schule', 'bildung', 'Allgemeinbildende Schule'],
  ['bildung.berufsschule', 'bildung', 'Berufsbildende Schule'],
  ['bildung.schulabschluss', 'bildung', 'Schulabschluss nachholen'],
  ['bildung.hausaufgabenhilfe', 'bildung', 'Lernförderung und Hausaufgabenhilfe'],
  ['sprache', null, 'Sprache'],
  ['sprache.integrationskurs', 'sprache', 'Integrationskurs'],
  ['sprache.jugendintegrationskurs', 'sprache', 'Jugendintegrationskurs'],
  ['sprache.berufssprachkurs', 'sprache', 'Berufssprachkurs'],
  ['sprache.alphabetisierung', 'sprache', 'Alphabetisierungskurs'],
  ['sprache.sprachcafe', 'sprache', 'Sprachcafé und Sprachpartnerschaft'],
  ['arbeit', null, 'Ausbildung und Arbeit'],
  ['arbeit.ihk', 'arbeit', 'Industrie- und Handelskammer (IHK)'],
  ['arbeit.hwk', 'arbeit', 'Handwerkskammer (HWK)'],
  ['arbeit.berufsberatung', 'arbeit', 'Agentur für Arbeit / Berufsberatung'],
  ['arbeit.jobcenter', 'arbeit', 'Jobcenter'],
  ['arbeit.jugendberufsagentur', 'arbeit', 'Jugendberufsagentur'],
  ['arbeit.kompetenzagentur', 'arbeit', 'Kompetenzagentur'],
  ['arbeit.bewerbungstraining', 'arbeit', 'Bewerbungstraining'],
  ['anerkennung', null, 'Anerkennung ausländischer Abschlüsse'],
  ['anerkennung.iq_beratung', 'anerkennung', 'IQ-Anerkennungsberatung'],
  ['anerkennung.zustaendige_stelle', 'anerkennung', 'Zuständige Stelle für die Anerkennung'],
  ['beratung', null, 'Beratung'],
  ['beratung.mbe', 'beratung', 'Migrationsberatung für Erwachsene (MBE)'],
  ['beratung.asylverfahren', 'beratung', 'Asylverfahrensberatung'],
  ['beratung.psychosozial', 'beratung', 'Psychosoziale Beratung'],
  ['beratung.schulden', 'beratung', 'Schuldnerberatung'],
  ['beratung.familie', 'beratung', 'Familien- und Erziehungsberatung'],
  ['beratung.gewaltschutz', 'beratung', 'Beratung bei Gewalt und Diskriminierung'],
  ['beratung.sucht', 'beratung', 'Suchtberatung'],
  ['behoerde', null, 'Behörden'],
  ['behoerde.auslaenderbehoerde', 'behoerde', 'Ausländerbehörde'],
  ['behoerde.jugendamt', 'behoerde', 'Jugendamt'],
  ['behoerde.sozialamt', 'behoerde', 'Sozialamt'],
  ['behoerde.buergerbuero', 'behoerde', 'Bürgerbüro'],
  ['gesundheit', null, 'Gesundheit'],
  ['gesundheit.arzt', 'gesundheit', 'Ärztliche Versorgung'],
  ['gesundheit.oeffentlich', 'gesundheit', 'Gesundheitsamt'],
  ['gesundheit.sexualitaet', 'gesundheit', 'Familienplanung und Schwangerschaft'],
  ['wohnen', null, 'Wohnen'],
  ['wohnen.wohnungslosenhilfe', 'wohnen', 'Wohnungslosenhilfe'],
  ['wohnen.jugendwohnen', 'wohnen', 'Jugendwohnen und betreutes Wohnen'],
  ['wohnen.beratung', 'wohnen', 'Wohnberatung und Vermittlung'],
  ['freizeit', null, 'Freizeit'],
  ['freizeit.sport', 'freizeit', 'Sport'],
  ['freizeit.kultur', 'freizeit', 'Kultur, Musik und Bibliothek'],
  ['freizeit.jugendzentrum', 'freizeit', 'Jugendzentrum'],
  ['ehrenamt', null, 'Ehrenamt'],
  ['ehrenamt.mentoring', 'ehrenamt', 'Mentoring und Lotsen'],
  ['ehrenamt.sprachpaten', 'ehrenamt', 'Sprachpatenschaften'],
  ['ehrenamt.engagement', 'ehrenamt', 'Selbst engagieren'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organization')
    .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('taxonomy_term')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('taxonomy_term.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_custom', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  const now = new Date().toISOString();
  await db
    .insertInto('taxonomy_term')
    .values(
      TREE.map(([key, parent, name], index) => ({
        id: key,
        parent_id: parent,
        name,
        description: null,
        sort_order: index,
        is_custom: 0,
        created_at: now,
      })),
    )
    .execute();

  await db.schema
    .createTable('service')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('external_id', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('min_age', 'integer')
    .addColumn('max_age', 'integer')
    .addColumn('eligibility_notes', 'text')
    .addColumn('free_of_charge', 'integer')
    .addColumn('fees_description', 'text')
    .addColumn('application_process', 'text')
    .addColumn('required_documents', 'text')
    .addColumn('accessibility', 'text')
    .addColumn('wheelchair_accessible', 'integer')
    .addColumn('free_places', 'integer')
    .addColumn('free_places_updated_at', 'text')
    .addColumn('opening_hours', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('closed_on_holidays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('assured_date', 'text')
    .addColumn('assurer_user_id', 'text', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('archived_at', 'text')
    .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_organization_idx').on('service').column('organization_id').execute();
  await db.schema.createIndex('service_name_idx').on('service').column('name').execute();

  await db.schema
    .createTable('service_taxonomy')
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('term_id', 'text', (c) => c.notNull().references('taxonomy_term.id'))
    .addPrimaryKeyConstraint('service_taxonomy_pk', ['service_id', 'term_id'])
    .execute();
  await db.schema.createIndex('service_taxonomy_term_idx').on('service_taxonomy').column('term_id').execute();

  await db.schema
    .createTable('service_language')
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_language_pk', ['service_id', 'language'])
    .execute();
  await db.schema.createIndex('service_language_idx').on('service_language').column('language').execute();

  await db.schema
    .createTable('location')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('name', 'text')
    .addColumn('street', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('district', 'text')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('transit_notes', 'text')
    .addColumn('archived_at', 'text')
    .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('location_organization_idx').on('location').column('organization_id').execute();
  await db.schema.createIndex('location_postcode_idx').on('location').column('postcode').execute();

  await db.schema
    .createTable('service_at_location')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('location.id').onDelete('cascade'))
    .addUniqueConstraint('service_at_location_unique', ['service_id', 'location_id'])
    .execute();
  await db.schema
    .createIndex('service_at_location_location_idx')
    .on('service_at_location')
    .column('location_id')
    .execute();

  await db.schema
    .createTable('contact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('email', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('contact_service_idx').on('contact').column('service_id').execute();

  await db.schema
    .createTable('phone')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.references('service.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.references('contact.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .execute();
  await db.schema.createIndex('phone_service_idx').on('phone').column('service_id').execute();
  await db.schema.createIndex('phone_contact_idx').on('phone').column('contact_id').execute();

  await db.schema
    .createTable('schedule')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('freq', 'text', (c) => c.notNull().defaultTo('WEEKLY'))
    .addColumn('byday', 'text', (c) => c.notNull())
    .addColumn('opens_at', 'text', (c) => c.notNull())
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .execute();
  await db.schema.createIndex('schedule_service_idx').on('schedule').column('service_id').execute();

  await db.schema
    .createTable('entry_change')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_by', 'text', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('entry_change_entity_idx')
    .on('entry_change')
    .columns(['entity_type', 'entity_id', 'changed_at'])
    .execute();

  await db.schema
    .createTable('postcode_centroid')
    .addColumn('postcode', 'text', (c) => c.primaryKey())
    .addColumn('place', 'text')
    .addColumn('latitude', 'double precision', (c) => c.notNull())
    .addColumn('longitude', 'double precision', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'postcode_centroid',
    'entry_change',
    'schedule',
    'phone',
    'contact',
    'service_at_location',
    'location',
    'service_language',
    'service_taxonomy',
    'service',
    'taxonomy_term',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('organization').dropColumn('needs_review').execute();
}
