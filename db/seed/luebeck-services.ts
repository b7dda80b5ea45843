/**
 * The services of the sample region: for each sample partner institution one or two services with categories,
 * ages, costs, opening hours, what to bring and how to refer — plausible, varied and deterministic, so tests and
 * screenshots are stable. Contact persons are invented and marked "(Beispiel)".
 */
import type { SampleOrganization } from './luebeck-sample';

/** One sample service as the service form would receive it (typed text). */
export interface SampleService {
  name: string;
  termIds: string[];
  description: string;
  minAge: string;
  maxAge: string;
  eligibilityNotes: string;
  freeOfCharge: string;
  feesDescription: string;
  applicationProcess: string;
  requiredDocuments: string;
  accessibility: string;
  wheelchairAccessible: string;
  freePlaces: string;
  openingHours: string;
  languages: string;
  phone: string;
  contactName: string;
  contactTitle: string;
  contactEmail: string;
  contactPhone: string;
  /** Months since the entry was last confirmed (some are older than 12 to show the stale warning). */
  confirmedMonthsAgo: number;
}

// Name pattern (case-insensitive: "Stadtbibliothek", "Grundschule") → category key and the service's name; the first
// match wins.
const RULES: [RegExp, string, string][] = [
  [/Jugendintegrationskurs/i, 'sprache.jugendintegrationskurs', 'Jugendintegrationskurs'],
  [/Alphabetisierung/i, 'sprache.alphabetisierung', 'Integrationskurs mit Alphabetisierung'],
  [/Berufssprachkurs/i, 'sprache.berufssprachkurs', 'Berufssprachkurs B1–C1'],
  [/Sprachcafé/i, 'sprache.sprachcafe', 'Sprachcafé'],
  [/Integrationskurs|Sprachkurszentrum/i, 'sprache.integrationskurs', 'Integrationskurs'],
  [/IHK/i, 'arbeit.ihk', 'Ausbildungsberatung der IHK'],
  [/Handwerk/i, 'arbeit.hwk', 'Ausbildungsberatung im Handwerk'],
  [/Qualifizierungsberatung Handwerk/i, 'anerkennung.zustaendige_stelle', 'Anerkennung im Handwerk'],
  [/Zeugnisanerkennung/i, 'anerkennung.zustaendige_stelle', 'Anerkennung ausländischer Schulzeugnisse'],
  [/Anerkennung/i, 'anerkennung.iq_beratung', 'Anerkennungsberatung'],
  [/Abendschule/i, 'bildung.schulabschluss', 'Schulabschluss nachholen (ESA/MSA)'],
  [/Förderzentrum/i, 'bildung.allgemeinbildende_schule', 'Beratung zu sonderpädagogischer Förderung'],
  [
    /Berufs(bildungszentrum|fachschule|schule)|Produktionsschule/,
    'bildung.berufsschule',
    'Ausbildungsvorbereitung mit Deutsch als Zweitsprache',
  ],
  [/Ausländerbehörde/i, 'behoerde.auslaenderbehoerde', 'Aufenthaltstitel und Beschäftigungserlaubnis'],
  [/Jugendamt/i, 'behoerde.jugendamt', 'Hilfen für junge Menschen und Familien'],
  [/Sozialamt/i, 'behoerde.sozialamt', 'Leistungen nach dem Asylbewerberleistungsgesetz'],
  [/Bürgerbüro/i, 'behoerde.buergerbuero', 'Anmeldung des Wohnsitzes'],
  [/Agentur für Arbeit/i, 'arbeit.berufsberatung', 'Berufsberatung für junge Menschen'],
  [/Jobcenter/i, 'arbeit.jobcenter', 'Beratung und Leistungen für unter 25-Jährige'],
  [/Jugendberufsagentur/i, 'arbeit.jugendberufsagentur', 'Beratung in der Jugendberufsagentur'],
  [/Kompetenzagentur/i, 'arbeit.kompetenzagentur', 'Begleitung in Ausbildung und Arbeit'],
  [/Bewerbung/i, 'arbeit.bewerbungstraining', 'Bewerbungstraining'],
  [/Ausbildungslotsen|Übergangscoaching/i, 'arbeit.berufsberatung', 'Begleitung von der Schule in den Beruf'],
  [/Migrationsberatung/i, 'beratung.mbe', 'Migrationsberatung für Erwachsene'],
  [/Asylverfahren/i, 'beratung.asylverfahren', 'Asylverfahrensberatung'],
  [/Psychosozial/i, 'beratung.psychosozial', 'Psychosoziale Beratung'],
  [/Schuldner/i, 'beratung.schulden', 'Schuldnerberatung'],
  [/Erziehung/i, 'beratung.familie', 'Familien- und Erziehungsberatung'],
  [/Frauenberatung|Antidiskriminierung/i, 'beratung.gewaltschutz', 'Beratung und Begleitung'],
  [/Sucht/i, 'beratung.sucht', 'Suchtberatung für junge Menschen'],
  [/Mentoren|Lotsen/i, 'ehrenamt.mentoring', 'Mentoring durch Ehrenamtliche'],
  [/Sprachpaten/i, 'ehrenamt.sprachpaten', 'Sprachpatenschaft'],
  [/Hausaufgabenhilfe/i, 'bildung.hausaufgabenhilfe', 'Hausaufgabenhilfe'],
  [/Ehrenamtsbörse/i, 'ehrenamt.engagement', 'Selbst aktiv werden'],
  [/Jugendzentrum/i, 'freizeit.jugendzentrum', 'Offener Jugendtreff'],
  [/Sport/i, 'freizeit.sport', 'Sport für alle'],
  [/Bibliothek|Theater|Musikschule/i, 'freizeit.kultur', 'Kulturangebot für junge Menschen'],
  [/Gesundheitsamt|Zahnärzt/i, 'gesundheit.oeffentlich', 'Untersuchung und Impfberatung'],
  [/Clearingstelle|Praxis/i, 'gesundheit.arzt', 'Ärztliche Versorgung'],
  [/Familienplanung/i, 'gesundheit.sexualitaet', 'Beratung zu Familienplanung'],
  [/Wohnungslos/i, 'wohnen.wohnungslosenhilfe', 'Hilfe bei Wohnungslosigkeit'],
  [/Jugendwohnen/i, 'wohnen.jugendwohnen', 'Betreutes Jugendwohnen'],
  [/Mieter|Wohnraum/i, 'wohnen.beratung', 'Wohnberatung'],
  [/Schule/i, 'bildung.allgemeinbildende_schule', 'DaZ-Klasse für Neuzugewanderte'],
  [/Gymnasium/i, 'bildung.allgemeinbildende_schule', 'Aufnahmeklasse für Seiteneinsteiger'],
];

const HOURS = [
  'Mo-Do 08:00-16:00; Fr 08:00-12:00; Feiertage geschlossen',
  'Mo,Mi,Fr 09:00-12:00; Di,Do 09:00-12:00,14:00-18:00; Feiertage geschlossen',
  'Mo,Mi 10:00-13:00; Do 14:00-17:00; Feiertage geschlossen',
  'Mo-Fr 07:30-15:30; Feiertage geschlossen',
  'Di-Fr 14:00-20:00; Sa 12:00-22:00',
  'Mo-Fr 08:30-12:30,13:30-15:30; Feiertage geschlossen',
  'Mi 16:00-18:30; Sa 10:00-13:00',
];

const BRING: Record<string, string> = {
  sprache: 'Pass oder Ankunftsnachweis, Berechtigungsschein oder Bescheid des BAMF, falls vorhanden',
  behoerde: 'Pass oder Passersatz, aktueller Aufenthaltstitel, Meldebescheinigung, Terminbestätigung',
  arbeit: 'Lebenslauf, Zeugnisse (auch ausländische, möglichst übersetzt), Ausweis',
  anerkennung: 'Zeugnisse und Abschlussurkunden im Original und, wenn vorhanden, Übersetzungen; Lebenslauf',
  bildung: 'Letzte Zeugnisse, Ausweis, bei Minderjährigen eine sorgeberechtigte Person',
  beratung: 'Briefe und Bescheide, um die es geht; Ausweis',
  gesundheit: 'Versichertenkarte oder Behandlungsschein, Impfpass, falls vorhanden',
  wohnen: 'Ausweis, Bescheide über Einkommen oder Leistungen, Mietvertrag, falls vorhanden',
  freizeit: 'Nichts Besonderes; für Ermäßigungen den Bildungs- und Teilhabe-Bescheid',
  ehrenamt: 'Nichts Besonderes',
};

const REFER: Record<string, string> = {
  sprache: 'Die Fachkraft meldet an oder der junge Mensch kommt zur offenen Sprechstunde (Einstufungstest).',
  behoerde: 'Nur mit Termin. Die Fachkraft kann den Termin online buchen und den jungen Menschen begleiten.',
  arbeit: 'Telefonisch einen Termin vereinbaren; die Fachkraft kann anrufen und kurz den Anlass schildern.',
  anerkennung: 'Kontaktformular oder Anruf; Beratung auch per Video in mehreren Sprachen.',
  bildung: 'Schulsekretariat anrufen und einen Beratungstermin vereinbaren.',
  beratung: 'Offene Sprechstunde ohne Termin oder telefonische Anmeldung; vertraulich.',
  gesundheit: 'Telefonisch einen Termin vereinbaren; in dringenden Fällen direkt kommen.',
  wohnen: 'Direkt in der Sprechstunde kommen; bei drohender Wohnungslosigkeit sofort anrufen.',
  freizeit: 'Einfach vorbeikommen; die Fachkraft kann vorher Bescheid geben.',
  ehrenamt: 'Die Fachkraft schickt eine kurze Anfrage; das Projekt meldet sich für ein Kennenlerngespräch.',
};

const AGES: Record<string, [number | null, number | null]> = {
  sprache: [16, null],
  behoerde: [null, null],
  arbeit: [15, 25],
  anerkennung: [16, null],
  bildung: [10, 21],
  beratung: [14, 27],
  gesundheit: [null, 21],
  wohnen: [16, 27],
  freizeit: [12, 21],
  ehrenamt: [12, 27],
};

const CONTACTS = ['Frau Jansen', 'Herr Yilmaz', 'Frau Petersen', 'Herr Haddad', 'Frau Nowak', 'Herr Brandt'];
const TITLES = ['Beratung', 'Sozialpädagogik', 'Kursleitung', 'Sachbearbeitung', 'Koordination'];

function ruleFor(organization: SampleOrganization): [string, string] {
  const rule = RULES.find(([pattern]) => pattern.test(organization.name));
  return rule ? [rule[1], rule[2]] : ['beratung', 'Beratung'];
}

/** The sample services of one partner institution (index = its position, for deterministic variety). */
export function sampleServicesFor(organization: SampleOrganization, index: number): SampleService[] {
  const [termId, serviceName] = ruleFor(organization);
  const top = termId.split('.')[0]!;
  const [minAge, maxAge] = AGES[top] ?? [null, null];
  const paid = termId.startsWith('sprache.') && termId !== 'sprache.sprachcafe';
  const contact = CONTACTS[index % CONTACTS.length]!;
  const base: SampleService = {
    name: `${serviceName} (Beispiel)`,
    termIds: [termId],
    description: organization.description,
    minAge: minAge === null ? '' : String(minAge),
    maxAge: maxAge === null ? '' : String(maxAge),
    eligibilityNotes:
      top === 'arbeit'
        ? 'Junge Menschen ohne Ausbildungsplatz, auch mit Duldung oder Gestattung.'
        : top === 'sprache'
          ? 'Mit Berechtigung oder Verpflichtung des BAMF; freie Plätze auch für andere auf Antrag.'
          : '',
    freeOfCharge: paid ? 'nein' : 'ja',
    feesDescription: paid
      ? 'Eigenanteil 2,29 € je Unterrichtsstunde; Befreiung bei Bürgergeld oder AsylbLG.'
      : '',
    applicationProcess: REFER[top] ?? '',
    requiredDocuments: BRING[top] ?? '',
    accessibility:
      index % 3 === 0 ? 'Eingang stufenlos, Aufzug, barrierefreies WC.' : 'Eingang mit zwei Stufen.',
    wheelchairAccessible: index % 3 === 0 ? 'ja' : 'nein',
    freePlaces: top === 'sprache' || top === 'bildung' || top === 'wohnen' ? String((index * 7) % 13) : '',
    openingHours: top === 'freizeit' ? HOURS[4]! : HOURS[index % HOURS.length]!,
    languages: organization.languages.join(', '),
    phone: organization.phone,
    contactName: `${contact} (Beispiel)`,
    contactTitle: TITLES[index % TITLES.length]!,
    contactEmail: organization.email.replace('kontakt@', `${contact.split(' ')[1]!.toLowerCase()}@`),
    contactPhone: organization.phone.replace(/\d{3}$/, (n) =>
      String((Number(n) + 500) % 1000).padStart(3, '0'),
    ),
    confirmedMonthsAgo: index % 9 === 4 ? 14 + (index % 5) : index % 6,
  };
  const extra: SampleService[] = [];
  if (termId === 'sprache.integrationskurs' && /Volkshochschule/.test(organization.name)) {
    extra.push({
      ...base,
      name: 'Einstufungstest und Kursberatung (Beispiel)',
      termIds: ['sprache.integrationskurs', 'sprache.berufssprachkurs'],
      description: 'Findet mit einem kurzen Test den passenden Kurs und berät zu Berechtigung und Kosten.',
      freeOfCharge: 'ja',
      feesDescription: '',
      freePlaces: '',
      openingHours: 'Di 09:00-12:00; Do 14:00-17:00; Feiertage geschlossen',
    });
  }
  if (termId === 'arbeit.berufsberatung' && /Agentur/.test(organization.name)) {
    extra.push({
      ...base,
      name: 'Berufsorientierung für Neuzugewanderte (Beispiel)',
      description:
        'Gruppenangebot: Berufe in Deutschland kennenlernen, Praktika finden, Ausbildung verstehen.',
      minAge: '16',
      maxAge: '25',
      openingHours: 'Mi 14:00-16:00',
    });
  }
  return [base, ...extra];
}
