/**
 * The sample region: a fictional network in and around Lübeck. Every entry is marked "(Beispiel)" in its name and
 * seeded with `is_sample = 1`, so nobody mistakes it for a real institution. Streets, postcodes, districts and
 * coordinates are plausible for the place; house numbers, phone numbers (Lübeck's area code 0451 followed by a
 * leading 0, which no German subscriber number has), mail addresses and web sites (`.example`) are invented.
 */
import type { OrganizationKind, PartnerCategory } from '../../src/lib/directory/organization';

export type SampleCategory = PartnerCategory;

export interface SampleOrganization {
  key: string;
  kind: OrganizationKind;
  category: SampleCategory | null;
  parentKey: string | null;
  name: string;
  street: string;
  postcode: string;
  city: string;
  district: string;
  lat: number;
  lon: number;
  phone: string;
  email: string;
  website: string;
  languages: string[];
  description: string;
}

type Row = [
  category: SampleCategory,
  name: string,
  street: string,
  postcode: string,
  district: string,
  lat: number,
  lon: number,
  languages: string,
  description: string,
  city?: string,
];

// prettier-ignore
const PARTNERS: Row[] = [
  // Schule und Bildung
  ['school', 'Gemeinschaftsschule Buntekuh', 'Ziegelstraße 40', '23556', 'Buntekuh', 53.8617, 10.6423, 'de,en,ar', 'Gemeinschaftsschule mit DaZ-Zentrum für neu zugewanderte Jugendliche der Klassen 5 bis 10.'],
  ['school', 'Grundschule Moisling', 'Oberbüssauer Weg 12', '23560', 'Moisling', 53.8418, 10.6287, 'de,tr,ar', 'Grundschule mit Sprachförderung und Elterncafé in mehreren Sprachen.'],
  ['school', 'Gymnasium am Dom', 'Domkirchhof 3', '23552', 'Innenstadt', 53.8604, 10.6869, 'de,en,fr', 'Gymnasium mit Aufnahmeklassen für Seiteneinsteigerinnen und Seiteneinsteiger.'],
  ['school', 'Abendschule Lübeck – Schulabschluss nachholen', 'Hüxstraße 118', '23552', 'Innenstadt', 53.8668, 10.6913, 'de', 'Erster allgemeinbildender Schulabschluss und Mittlerer Schulabschluss für Erwachsene und junge Menschen ab 18.'],
  ['school', 'Förderzentrum Marli', 'Marliring 80', '23566', 'St. Gertrud', 53.8851, 10.7139, 'de', 'Förderzentrum mit Beratung zu sonderpädagogischem Förderbedarf und Schulbegleitung.'],
  // Berufsschule
  ['vocational_school', 'Berufsbildungszentrum Technik', 'Georg-Kerschensteiner-Straße 27', '23554', 'St. Lorenz Nord', 53.8784, 10.6662, 'de,en', 'Berufsschule für gewerblich-technische Berufe mit Berufsintegrationsklassen (BIK-DaZ).'],
  ['vocational_school', 'Berufsbildungszentrum Wirtschaft', 'Dorotheenstraße 5', '23564', 'St. Jürgen', 53.8571, 10.7024, 'de,en', 'Kaufmännische Berufsschule, Berufsfachschule und Ausbildungsvorbereitung.'],
  ['vocational_school', 'Berufsfachschule Pflege', 'Ratzeburger Allee 160', '23562', 'St. Jürgen', 53.8349, 10.7145, 'de', 'Generalistische Pflegeausbildung mit Sprachbegleitung für Auszubildende aus dem Ausland.'],
  ['vocational_school', 'Produktionsschule Lübeck', 'Kanalstraße 70', '23552', 'Innenstadt', 53.8721, 10.6894, 'de,ar,fa', 'Praxisnahe Berufsorientierung in Werkstätten für junge Menschen ohne Ausbildungsplatz.'],
  ['vocational_school', 'Berufsschule Bad Oldesloe', 'Am Bürgerpark 2', '23843', 'Bad Oldesloe', 53.8104, 10.3778, 'de', 'Berufsschule im Kreis Stormarn mit DaZ-Klassen.', 'Bad Oldesloe'],
  // Kammern
  ['chamber', 'IHK Lübeck – Ausbildungsberatung', 'Fackenburger Allee 2', '23554', 'St. Lorenz Nord', 53.8698, 10.6712, 'de,en', 'Ausbildungsberaterinnen und -berater der Industrie- und Handelskammer; Vermittlung in Ausbildung und Einstiegsqualifizierung.'],
  ['chamber', 'Handwerkskammer Lübeck – Passgenaue Besetzung', 'Breite Straße 10', '23552', 'Innenstadt', 53.8677, 10.6858, 'de,en,tr', 'Beratung zu Ausbildung im Handwerk und Willkommenslotsen für Geflüchtete.'],
  ['chamber', 'Kreishandwerkerschaft Lübeck', 'Wahmstraße 42', '23552', 'Innenstadt', 53.8651, 10.6889, 'de', 'Innungen, Praktikumsbörse und Kontakte zu Ausbildungsbetrieben im Handwerk.'],
  ['chamber', 'IHK-Servicestelle Bad Schwartau', 'Markt 5', '23611', 'Bad Schwartau', 53.9177, 10.6976, 'de', 'Sprechstunde der IHK für Betriebe und Ausbildungssuchende im Umland.', 'Bad Schwartau'],
  // Sprachkurse
  ['language_course', 'Volkshochschule Lübeck – Integrationskurse', 'Hüxstraße 118', '23552', 'Innenstadt', 53.8670, 10.6920, 'de,en,ar,uk,ru', 'Integrationskurse, Einstufungstests und Beratung zur Kursanmeldung.'],
  ['language_course', 'Jugendintegrationskurs am Bahnhof', 'Konrad-Adenauer-Straße 4', '23558', 'St. Lorenz Süd', 53.8666, 10.6712, 'de,ar,fa,ps', 'Jugendintegrationskurs für junge Menschen bis 27 Jahre mit Kinderbetreuung.'],
  ['language_course', 'Berufssprachkurse Nord', 'Schwartauer Allee 110', '23554', 'St. Lorenz Nord', 53.8774, 10.6633, 'de,en,uk', 'Berufsbezogene Deutschsprachförderung B1 bis C1, auch mit Fachsprache Pflege.'],
  ['language_course', 'Alphabetisierungskurs Buntekuh', 'Korvettenstraße 81', '23558', 'Buntekuh', 53.8588, 10.6468, 'de,ar,ti,so', 'Integrationskurs mit Alphabetisierung und Zweitschriftlernen in kleinen Gruppen.'],
  ['language_course', 'Sprachcafé in der Stadtbibliothek', 'Hundestraße 5', '23552', 'Innenstadt', 53.8689, 10.6871, 'de,ar,fa,uk,tr', 'Offenes Sprachcafé: Deutsch üben mit Ehrenamtlichen, ohne Anmeldung.'],
  ['language_course', 'Sprachkurszentrum Kücknitz', 'Solmitzstraße 20', '23569', 'Kücknitz', 53.9153, 10.8021, 'de,ru,uk', 'Integrations- und Orientierungskurse im Lübecker Norden.'],
  // Anerkennung
  ['recognition', 'IQ Beratungsstelle Anerkennung Lübeck', 'Königstraße 55', '23552', 'Innenstadt', 53.8681, 10.6881, 'de,en,ar,ru', 'Beratung zur Anerkennung ausländischer Berufs- und Studienabschlüsse im Förderprogramm IQ.'],
  ['recognition', 'Anerkennungsberatung Pflege und Gesundheit', 'Mönkhofer Weg 239', '23562', 'St. Jürgen', 53.8400, 10.7078, 'de,en,fa', 'Beratung und Anpassungsqualifizierung für Gesundheitsberufe.'],
  ['recognition', 'Zeugnisanerkennung Schule – Beratungsstelle', 'Kronsforder Allee 2', '23560', 'St. Jürgen', 53.8544, 10.6957, 'de', 'Hilft beim Antrag auf Anerkennung ausländischer Schulzeugnisse.'],
  ['recognition', 'Qualifizierungsberatung Handwerk', 'Breite Straße 12', '23552', 'Innenstadt', 53.8680, 10.6852, 'de,tr,ar', 'Begleitung zur Gleichwertigkeitsfeststellung in Handwerksberufen.'],
  // MBE
  ['mbe', 'Migrationsberatung Diakonie Innenstadt', 'Bäckerstraße 3', '23564', 'St. Jürgen', 53.8588, 10.6990, 'de,ar,ru,uk', 'Migrationsberatung für Erwachsene ab 27 Jahren: Aufenthalt, Arbeit, Familie.'],
  ['mbe', 'Migrationsberatung AWO Moisling', 'Niendorfer Straße 55', '23560', 'Moisling', 53.8394, 10.6319, 'de,tr,ku,ar', 'MBE mit offener Sprechstunde im Stadtteilzentrum.'],
  ['mbe', 'Migrationsberatung Caritas', 'Fegefeuer 2', '23552', 'Innenstadt', 53.8627, 10.6882, 'de,pl,ro,bg', 'Beratung für erwachsene Zugewanderte, auch aus EU-Staaten.'],
  ['mbe', 'Migrationsberatung DRK Stockelsdorf', 'Ahrensböker Straße 8', '23617', 'Stockelsdorf', 53.8926, 10.6491, 'de,ru', 'MBE für das Umland mit Außensprechstunden.', 'Stockelsdorf'],
  // Behörden
  ['authority', 'Ausländerbehörde Lübeck', 'Kronsforder Allee 2-6', '23560', 'St. Jürgen', 53.8531, 10.6962, 'de,en', 'Aufenthaltstitel, Verlängerungen und Beschäftigungserlaubnisse; Termin nötig.'],
  ['authority', 'Jugendamt – Allgemeiner Sozialer Dienst', 'Kronsforder Allee 2', '23560', 'St. Jürgen', 53.8536, 10.6950, 'de', 'Hilfen zur Erziehung, Inobhutnahme, Beratung für Familien und junge Volljährige.'],
  ['authority', 'Sozialamt Lübeck', 'Kronsforder Allee 2', '23560', 'St. Jürgen', 53.8539, 10.6967, 'de', 'Leistungen nach dem Asylbewerberleistungsgesetz und Sozialhilfe.'],
  ['authority', 'Bürgerbüro Innenstadt', 'Breite Straße 62', '23552', 'Innenstadt', 53.8664, 10.6846, 'de,en', 'Anmeldung des Wohnsitzes, Ausweise, Meldebescheinigungen.'],
  ['authority', 'Bürgerbüro Travemünde', 'Bertlingstraße 21', '23570', 'Travemünde', 53.9614, 10.8701, 'de', 'Außenstelle des Bürgerservice im Ostseebad.'],
  ['authority', 'Agentur für Arbeit – Berufsberatung', 'Hans-Böckler-Straße 1', '23560', 'St. Jürgen', 53.8508, 10.6839, 'de,en,ar', 'Berufsberatung vor dem Erwerbsleben, Ausbildungsvermittlung, Berufspsychologischer Service.'],
  ['authority', 'Jobcenter Lübeck – U25-Team', 'Hans-Böckler-Straße 1', '23560', 'St. Jürgen', 53.8512, 10.6847, 'de,ar,uk', 'Bürgergeld und Eingliederung für junge Menschen unter 25 Jahren.'],
  // Jugendberufsagentur / Kompetenzagentur
  ['youth_employment', 'Jugendberufsagentur Lübeck', 'Hans-Böckler-Straße 3', '23560', 'St. Jürgen', 53.8504, 10.6855, 'de,en,ar', 'Eine Anlaufstelle von Arbeitsagentur, Jobcenter und Jugendhilfe für junge Menschen unter 25.'],
  ['youth_employment', 'Kompetenzagentur Lübeck', 'Beckergrube 26', '23552', 'Innenstadt', 53.8692, 10.6843, 'de,tr', 'Begleitet junge Menschen, die von anderen Angeboten nicht erreicht werden, in Ausbildung und Arbeit.'],
  ['youth_employment', 'Bewerbungswerkstatt St. Lorenz', 'Steinrader Weg 11', '23558', 'St. Lorenz Süd', 53.8567, 10.6601, 'de,ar,fa,uk', 'Bewerbungstraining, Lebenslauf-Sprechstunde und Vorbereitung auf Vorstellungsgespräche.'],
  ['youth_employment', 'Ausbildungslotsen Lübeck', 'Falkenstraße 21', '23564', 'St. Jürgen', 53.8613, 10.7040, 'de,en', 'Lotsen begleiten junge Zugewanderte von der Berufswahl bis zum Ausbildungsvertrag.'],
  ['youth_employment', 'Übergangscoaching Schule–Beruf Kücknitz', 'Kirchplatz 5', '23569', 'Kücknitz', 53.9174, 10.7985, 'de,ru', 'Coaching für Schülerinnen und Schüler der Abschlussklassen im Lübecker Norden.'],
  // Beratung
  ['counselling', 'Asylverfahrensberatung Flüchtlingsforum', 'Willy-Brandt-Allee 9', '23554', 'St. Lorenz Nord', 53.8725, 10.6773, 'de,ar,fa,ps,ti', 'Unabhängige Beratung im Asylverfahren, Vorbereitung auf die Anhörung.'],
  ['counselling', 'Psychosoziale Beratung für Geflüchtete', 'Parade 4', '23552', 'Innenstadt', 53.8629, 10.6854, 'de,ar,fa,uk', 'Psychosoziale Beratung und Vermittlung in Therapie, auch mit Sprachmittlung.'],
  ['counselling', 'Schuldnerberatung Lübeck', 'Glockengießerstraße 25', '23552', 'Innenstadt', 53.8700, 10.6901, 'de', 'Kostenlose Schuldner- und Insolvenzberatung, Pfändungsschutzkonto.'],
  ['counselling', 'Erziehungs- und Familienberatung', 'Moislinger Allee 9', '23558', 'St. Lorenz Süd', 53.8589, 10.6711, 'de,tr,ru', 'Beratung für Eltern, Kinder und Jugendliche bis 27 Jahre.'],
  ['counselling', 'Mädchen- und Frauenberatung', 'Hüxstraße 42', '23552', 'Innenstadt', 53.8660, 10.6900, 'de,en,ar,fa', 'Beratung bei Gewalt, Zwangsheirat und in Krisen; anonym möglich.'],
  ['counselling', 'Antidiskriminierungsberatung Nord', 'Mengstraße 64', '23552', 'Innenstadt', 53.8693, 10.6839, 'de,en,tr', 'Beratung und Begleitung bei Diskriminierung in Schule, Ausbildung und Wohnungssuche.'],
  ['counselling', 'Sucht- und Drogenberatung Jugend', 'Engelsgrube 16', '23552', 'Innenstadt', 53.8708, 10.6867, 'de,ru', 'Beratung für junge Menschen und Angehörige, auch online.'],
  // Ehrenamt
  ['volunteering', 'Mentorenprogramm Brückenbauer', 'Jürgen-Wullenwever-Straße 2', '23566', 'St. Gertrud', 53.8812, 10.7052, 'de,en,ar', 'Ehrenamtliche Mentorinnen und Mentoren begleiten junge Zugewanderte ein Jahr lang.'],
  ['volunteering', 'Sprachpatenschaften Lübeck', 'Mühlenstraße 55', '23552', 'Innenstadt', 53.8615, 10.6903, 'de,uk,ru', 'Vermittelt Sprachpartnerschaften zwischen Ehrenamtlichen und Lernenden.'],
  ['volunteering', 'Hausaufgabenhilfe Moisling', 'Andersenring 27', '23560', 'Moisling', 53.8427, 10.6258, 'de,ar,tr', 'Ehrenamtliche Hausaufgabenhilfe an drei Nachmittagen pro Woche.'],
  ['volunteering', 'Ehrenamtsbörse Lübeck', 'Schüsselbuden 2', '23552', 'Innenstadt', 53.8667, 10.6838, 'de,en', 'Vermittelt Engagement – auch für junge Zugewanderte, die sich selbst engagieren wollen.'],
  ['volunteering', 'Lotsenprojekt Schlutup', 'Mecklenburger Straße 20', '23568', 'Schlutup', 53.8896, 10.7844, 'de,ar', 'Lotsinnen und Lotsen begleiten zu Ämtern, Ärzten und Schulgesprächen.'],
  // Freizeit
  ['leisure', 'Jugendzentrum Buntekuh', 'Karavellenstraße 2', '23558', 'Buntekuh', 53.8599, 10.6437, 'de,ar,tr', 'Offener Treff, Musikraum und Beratung für Jugendliche von 12 bis 21 Jahren.'],
  ['leisure', 'Jugendzentrum Kücknitz', 'Ostpreußenring 91', '23569', 'Kücknitz', 53.9120, 10.7935, 'de,ru', 'Offene Kinder- und Jugendarbeit mit Ferienprogramm.'],
  ['leisure', 'Sportverein Eintracht Lübeck – Sport interkulturell', 'Falkenwiese 1', '23564', 'St. Jürgen', 53.8637, 10.7086, 'de,en', 'Fußball, Schwimmen und Kampfsport, Beitragsbefreiung über Bildungs- und Teilhabepaket.'],
  ['leisure', 'Stadtbibliothek Lübeck', 'Hundestraße 5-17', '23552', 'Innenstadt', 53.8691, 10.6875, 'de,en,ar,uk,fa', 'Bibliothek mit mehrsprachigen Medien, Lernplätzen und kostenlosem Ausweis bis 18.'],
  ['leisure', 'Theaterwerkstatt Jung', 'Beckergrube 16', '23552', 'Innenstadt', 53.8697, 10.6850, 'de', 'Theaterprojekte für junge Menschen mit und ohne Deutschkenntnisse.'],
  ['leisure', 'Musikschule Lübeck', 'Rosengarten 14', '23552', 'Innenstadt', 53.8645, 10.6923, 'de,en', 'Instrumentalunterricht mit Ermäßigung und offene Bandprojekte.'],
  // Gesundheit
  ['health', 'Gesundheitsamt – Kinder- und Jugendärztlicher Dienst', 'Sophienstraße 2', '23560', 'St. Jürgen', 53.8523, 10.6905, 'de,en', 'Schuleingangsuntersuchungen, Impfberatung und Erstuntersuchung für Neuzugewanderte.'],
  ['health', 'Clearingstelle Gesundheit für Menschen ohne Krankenversicherung', 'Marlesgrube 10', '23552', 'Innenstadt', 53.8633, 10.6879, 'de,en,fr,ar', 'Klärt den Zugang zur Gesundheitsversorgung und vermittelt an Praxen.'],
  ['health', 'Praxis für Kinder- und Jugendmedizin Moisling', 'Moislinger Mühlenweg 20', '23560', 'Moisling', 53.8436, 10.6342, 'de,tr,ar', 'Kinder- und Jugendarztpraxis mit mehrsprachigem Team.'],
  ['health', 'Familienplanungs- und Schwangerschaftsberatung', 'Große Burgstraße 30', '23552', 'Innenstadt', 53.8735, 10.6898, 'de,en,ar,fa', 'Beratung zu Verhütung, Schwangerschaft und Sexualität, vertraulich und kostenlos.'],
  ['health', 'Zahnärztlicher Dienst Bad Schwartau', 'Lübecker Straße 20', '23611', 'Bad Schwartau', 53.9149, 10.6989, 'de', 'Zahnärztliche Untersuchungen in Schulen und Sprechstunde für Jugendliche.', 'Bad Schwartau'],
  // Wohnen
  ['housing', 'Wohnungslosenhilfe Junge Erwachsene', 'Dankwartsgrube 20', '23552', 'Innenstadt', 53.8640, 10.6858, 'de,en,ru', 'Notunterkunft, Postadresse und Beratung für junge Menschen ohne Wohnung.'],
  ['housing', 'Jugendwohnen Lübeck', 'Schönböckener Straße 50', '23556', 'Buntekuh', 53.8547, 10.6515, 'de,ar,fa', 'Betreutes Wohnen für Auszubildende und junge Volljährige.'],
  ['housing', 'Mieterberatung Lübeck', 'Hüxtertorallee 9', '23564', 'St. Jürgen', 53.8627, 10.6988, 'de,tr', 'Beratung zu Mietvertrag, Nebenkosten und Wohnberechtigungsschein.'],
  ['housing', 'Wohnraumvermittlung Ratekau', 'Bäderstraße 19', '23626', 'Ratekau', 53.9509, 10.7346, 'de', 'Vermittelt Wohnraum für Geflüchtete und junge Familien im Umland.', 'Ratekau'],
];

const FICTION_PHONE = '0451 0123';

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
}

function contactOf(name: string, index: number): Pick<SampleOrganization, 'phone' | 'email' | 'website'> {
  const slug = slugOf(name);
  return {
    phone: `${FICTION_PHONE} ${String(100 + index).padStart(3, '0')}`,
    email: `kontakt@${slug}.example`,
    website: `https://www.${slug}.example`,
  };
}

const TRAEGER: SampleOrganization = {
  key: 'traeger',
  kind: 'traeger',
  category: null,
  parentKey: null,
  name: 'Jugendmigrationsdienste Lübecker Bucht e. V. (Beispiel)',
  street: 'Königstraße 20',
  postcode: '23552',
  city: 'Lübeck',
  district: 'Innenstadt',
  lat: 53.8674,
  lon: 10.6871,
  ...contactOf('Jugendmigrationsdienste Luebecker Bucht', 0),
  languages: ['de', 'en'],
  description: 'Träger der beiden Jugendmigrationsdienste in Lübeck. Beispieldaten.',
};

const OFFICES: SampleOrganization[] = [
  {
    key: 'jmd-innenstadt',
    kind: 'jmd_office',
    category: null,
    parentKey: 'traeger',
    name: 'JMD Lübeck-Innenstadt (Beispiel)',
    street: 'Mengstraße 30',
    postcode: '23552',
    city: 'Lübeck',
    district: 'Innenstadt',
    lat: 53.8686,
    lon: 10.6842,
    ...contactOf('JMD Luebeck Innenstadt', 1),
    languages: ['de', 'en', 'ar', 'fa', 'uk'],
    description: 'Jugendmigrationsdienst für junge Menschen von 12 bis 27 Jahren. Beispieldaten.',
  },
  {
    key: 'jmd-moisling',
    kind: 'jmd_office',
    category: null,
    parentKey: 'traeger',
    name: 'JMD Lübeck-Moisling (Beispiel)',
    street: 'Moislinger Marktplatz 4',
    postcode: '23560',
    city: 'Lübeck',
    district: 'Moisling',
    lat: 53.8405,
    lon: 10.6296,
    ...contactOf('JMD Luebeck Moisling', 2),
    languages: ['de', 'tr', 'ar', 'ru'],
    description: 'Jugendmigrationsdienst im Stadtteilzentrum Moisling. Beispieldaten.',
  },
];

const PARTNER_ORGANIZATIONS: SampleOrganization[] = PARTNERS.map(
  ([category, name, street, postcode, district, lat, lon, languages, description, city], index) => ({
    key: `partner-${index + 1}`,
    kind: 'partner',
    category,
    parentKey: null,
    name: `${name} (Beispiel)`,
    street,
    postcode,
    city: city ?? 'Lübeck',
    district,
    lat,
    lon,
    ...contactOf(name, index + 10),
    languages: languages.split(','),
    description: `${description} Beispieldaten.`,
  }),
);

/** Träger first, then the two JMD offices, then the partner institutions. */
export const sampleOrganizations: readonly SampleOrganization[] = [TRAEGER, ...OFFICES, ...PARTNER_ORGANIZATIONS];
