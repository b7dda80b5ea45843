/**
 * Synthetic directory entries for the benchmarks (docs/performance.md): many plausible German services of
 * welfare associations, authorities, schools and clubs in about 90 real German cities, deterministic for a seed.
 * Records are generated one after another from one random stream, so the first 10,000 of 100,000 are the same as
 * 10,000 generated on their own. Names, organizations and places are invented; coordinates are real city centres
 * plus a few kilometres of jitter.
 */
import type { z } from 'zod';
import type { OrganizationForm, PartnerCategory } from '../../src/lib/directory/organization';
import type { ServiceFormSchema } from '../../src/lib/directory/service';
import type { LocationFields } from '../../src/lib/directory/service.queries';
import type { SearchDocument } from '../../src/lib/search/search';

/** A German city with its centre, a real postcode of the centre and some districts. */
export interface GermanCity {
  name: string;
  lat: number;
  lon: number;
  postcode: string;
  districts: readonly string[];
}

const GENERIC_DISTRICTS = [
  'Innenstadt',
  'Nordstadt',
  'Südstadt',
  'Weststadt',
  'Oststadt',
  'Altstadt',
  'Neustadt',
];

const city = (
  name: string,
  lat: number,
  lon: number,
  postcode: string,
  districts?: string[],
): GermanCity => ({
  name,
  lat,
  lon,
  postcode,
  districts: districts ?? GENERIC_DISTRICTS,
});

/** Real German cities (centre coordinates), largest first: the generator places more entries in larger ones. */
export const GERMAN_CITIES: readonly GermanCity[] = [
  city('Berlin', 52.52, 13.405, '10115', [
    'Neukölln',
    'Kreuzberg',
    'Wedding',
    'Marzahn',
    'Spandau',
    'Lichtenberg',
    'Moabit',
    'Schöneberg',
    'Tempelhof',
    'Friedrichshain',
    'Köpenick',
    'Reinickendorf',
  ]),
  city('Hamburg', 53.551, 9.993, '20095', [
    'Altona',
    'Wilhelmsburg',
    'Harburg',
    'Billstedt',
    'Eimsbüttel',
    'Barmbek',
    'Bergedorf',
    'St. Georg',
  ]),
  city('München', 48.137, 11.575, '80331', [
    'Schwabing',
    'Giesing',
    'Neuperlach',
    'Pasing',
    'Moosach',
    'Sendling',
    'Hasenbergl',
  ]),
  city('Köln', 50.938, 6.96, '50667', [
    'Ehrenfeld',
    'Kalk',
    'Chorweiler',
    'Mülheim',
    'Nippes',
    'Porz',
    'Deutz',
  ]),
  city('Frankfurt am Main', 50.11, 8.682, '60311', [
    'Bockenheim',
    'Sachsenhausen',
    'Gallus',
    'Höchst',
    'Bornheim',
    'Nordweststadt',
  ]),
  city('Stuttgart', 48.776, 9.183, '70173', [
    'Bad Cannstatt',
    'Feuerbach',
    'Zuffenhausen',
    'Vaihingen',
    'Möhringen',
  ]),
  city('Düsseldorf', 51.227, 6.773, '40213', ['Oberbilk', 'Garath', 'Flingern', 'Bilk', 'Rath']),
  city('Leipzig', 51.34, 12.375, '04109', ['Grünau', 'Connewitz', 'Volkmarsdorf', 'Paunsdorf', 'Plagwitz']),
  city('Dortmund', 51.514, 7.466, '44135', ['Nordstadt', 'Hörde', 'Scharnhorst', 'Eving', 'Huckarde']),
  city('Essen', 51.456, 7.012, '45127', [
    'Altenessen',
    'Katernberg',
    'Steele',
    'Frohnhausen',
    'Rüttenscheid',
  ]),
  city('Bremen', 53.079, 8.802, '28195', ['Gröpelingen', 'Vahr', 'Osterholz', 'Huchting', 'Walle']),
  city('Dresden', 51.05, 13.738, '01067', ['Gorbitz', 'Prohlis', 'Neustadt', 'Pieschen', 'Johannstadt']),
  city('Hannover', 52.376, 9.732, '30159', ['Linden', 'Vahrenheide', 'Sahlkamp', 'Mühlenberg', 'Döhren']),
  city('Nürnberg', 49.452, 11.077, '90402', [
    'Gostenhof',
    'Langwasser',
    'St. Leonhard',
    'Südstadt',
    'Röthenbach',
  ]),
  city('Duisburg', 51.435, 6.763, '47051', ['Marxloh', 'Hochfeld', 'Rheinhausen', 'Meiderich', 'Hamborn']),
  city('Bochum', 51.482, 7.216, '44787'),
  city('Wuppertal', 51.256, 7.15, '42103', ['Elberfeld', 'Barmen', 'Oberbarmen', 'Vohwinkel', 'Ronsdorf']),
  city('Bielefeld', 52.021, 8.532, '33602', ['Sennestadt', 'Baumheide', 'Brackwede', 'Schildesche']),
  city('Bonn', 50.737, 7.098, '53111', ['Bad Godesberg', 'Beuel', 'Tannenbusch', 'Duisdorf']),
  city('Münster', 51.961, 7.626, '48143', ['Kinderhaus', 'Coerde', 'Hiltrup', 'Gievenbeck']),
  city('Mannheim', 49.488, 8.466, '68159', ['Neckarstadt', 'Jungbusch', 'Schönau', 'Waldhof']),
  city('Karlsruhe', 49.007, 8.404, '76133'),
  city('Augsburg', 48.371, 10.898, '86150', ['Oberhausen', 'Lechhausen', 'Haunstetten', 'Göggingen']),
  city('Wiesbaden', 50.078, 8.24, '65183', ['Biebrich', 'Schierstein', 'Klarenthal', 'Westend']),
  city('Mönchengladbach', 51.185, 6.442, '41061', ['Rheydt', 'Eicken', 'Hardterbroich', 'Odenkirchen']),
  city('Gelsenkirchen', 51.518, 7.086, '45879', ['Buer', 'Schalke', 'Bismarck', 'Ückendorf']),
  city('Aachen', 50.776, 6.084, '52062'),
  city('Braunschweig', 52.269, 10.521, '38100', ['Weststadt', 'Heidberg', 'Querum', 'Östliches Ringgebiet']),
  city('Kiel', 54.323, 10.123, '24103', ['Gaarden', 'Mettenhof', 'Friedrichsort', 'Elmschenhagen']),
  city('Chemnitz', 50.833, 12.925, '09111', ['Sonnenberg', 'Kaßberg', 'Hutholz', 'Yorckgebiet']),
  city('Halle (Saale)', 51.483, 11.97, '06108', ['Neustadt', 'Silberhöhe', 'Heide-Nord', 'Giebichenstein']),
  city('Magdeburg', 52.121, 11.628, '39104', ['Neu Olvenstedt', 'Stadtfeld', 'Sudenburg', 'Buckau']),
  city('Freiburg im Breisgau', 47.999, 7.842, '79098', ['Weingarten', 'Haslach', 'Landwasser', 'Stühlinger']),
  city('Krefeld', 51.339, 6.586, '47798'),
  city('Mainz', 49.993, 8.247, '55116', ['Neustadt', 'Lerchenberg', 'Gonsenheim', 'Mombach']),
  city('Lübeck', 53.866, 10.687, '23552', [
    'Moisling',
    'St. Lorenz Nord',
    'Buntekuh',
    'Kücknitz',
    'Travemünde',
  ]),
  city('Erfurt', 50.978, 11.029, '99084', ['Herrenberg', 'Rieth', 'Moskauer Platz', 'Johannesvorstadt']),
  city('Oberhausen', 51.47, 6.852, '46045'),
  city('Rostock', 54.092, 12.099, '18055', ['Lütten Klein', 'Toitenwinkel', 'Groß Klein', 'Evershagen']),
  city('Kassel', 51.313, 9.48, '34117', [
    'Wilhelmshöhe',
    'Nordstadt',
    'Wesertor',
    'Bettenhausen',
    'Oberzwehren',
    'Rothenditmold',
  ]),
  city('Hagen', 51.367, 7.463, '58095'),
  city('Potsdam', 52.391, 13.064, '14467', ['Schlaatz', 'Drewitz', 'Babelsberg', 'Am Stern']),
  city('Saarbrücken', 49.24, 6.997, '66111', ['Burbach', 'Malstatt', 'Brebach', 'Dudweiler']),
  city('Hamm', 51.681, 7.82, '59065'),
  city('Ludwigshafen am Rhein', 49.477, 8.445, '67059', [
    'Hemshof',
    'Oggersheim',
    'Pfingstweide',
    'Mundenheim',
  ]),
  city('Oldenburg', 53.143, 8.214, '26122', ['Kreyenbrück', 'Bloherfelde', 'Ohmstede', 'Bürgerfelde']),
  city('Osnabrück', 52.279, 8.047, '49074', ['Schinkel', 'Dodesheide', 'Eversburg', 'Wüste']),
  city('Leverkusen', 51.032, 6.988, '51373'),
  city('Heidelberg', 49.399, 8.672, '69117', ['Emmertsgrund', 'Boxberg', 'Kirchheim', 'Bergheim']),
  city('Solingen', 51.165, 7.067, '42651'),
  city('Darmstadt', 49.872, 8.651, '64283', ['Kranichstein', 'Eberstadt', 'Bessungen', 'Arheilgen']),
  city('Regensburg', 49.013, 12.102, '93047'),
  city('Paderborn', 51.719, 8.754, '33098'),
  city('Ingolstadt', 48.766, 11.426, '85049'),
  city('Würzburg', 49.791, 9.953, '97070', ['Heuchelhof', 'Zellerau', 'Grombühl', 'Lengfeld']),
  city('Wolfsburg', 52.423, 10.787, '38440'),
  city('Ulm', 48.401, 9.988, '89073'),
  city('Heilbronn', 49.142, 9.219, '74072'),
  city('Göttingen', 51.541, 9.916, '37073', ['Grone', 'Holtenser Berg', 'Weende', 'Geismar']),
  city('Pforzheim', 48.892, 8.695, '75175'),
  city('Offenbach am Main', 50.1, 8.766, '63065'),
  city('Bottrop', 51.524, 6.929, '46236'),
  city('Trier', 49.75, 6.637, '54290'),
  city('Recklinghausen', 51.614, 7.197, '45657'),
  city('Reutlingen', 48.491, 9.211, '72764'),
  city('Bremerhaven', 53.54, 8.581, '27568', ['Lehe', 'Geestemünde', 'Leherheide', 'Grünhöfe']),
  city('Koblenz', 50.357, 7.589, '56068'),
  city('Bergisch Gladbach', 50.992, 7.136, '51465'),
  city('Jena', 50.927, 11.589, '07743', ['Lobeda', 'Winzerla', 'Nord', 'Wenigenjena']),
  city('Erlangen', 49.59, 11.004, '91052'),
  city('Remscheid', 51.179, 7.189, '42853'),
  city('Siegen', 50.875, 8.024, '57072'),
  city('Hildesheim', 52.154, 9.951, '31134'),
  city('Salzgitter', 52.151, 10.333, '38226'),
  city('Cottbus', 51.756, 14.333, '03046', ['Sachsendorf', 'Sandow', 'Ströbitz', 'Schmellwitz']),
  city('Schwerin', 53.635, 11.401, '19053', ['Mueßer Holz', 'Neu Zippendorf', 'Lankow', 'Weststadt']),
  city('Gießen', 50.584, 8.678, '35390'),
  city('Flensburg', 54.794, 9.436, '24937', ['Fruerlund', 'Mürwik', 'Weiche', 'Engelsby']),
  city('Fürth', 49.477, 10.989, '90762'),
  city('Zwickau', 50.718, 12.496, '08056'),
  city('Görlitz', 51.153, 14.987, '02826'),
  city('Konstanz', 47.66, 9.176, '78462'),
  city('Passau', 48.574, 13.461, '94032'),
  city('Neumünster', 54.074, 9.982, '24534'),
  city('Lüneburg', 53.249, 10.408, '21335'),
  city('Düren', 50.804, 6.483, '52349'),
  city('Weißenfels', 51.199, 11.968, '06667'),
  city('Frankfurt (Oder)', 52.347, 14.551, '15230'),
  city('Greifswald', 54.096, 13.388, '17489'),
  city('Fulda', 50.555, 9.68, '36037'),
];

/** The default category tree (frozen in the directory migration): key → German name. */
export const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  bildung: 'Schule und Bildung',
  'bildung.allgemeinbildende_schule': 'Allgemeinbildende Schule',
  'bildung.berufsschule': 'Berufsbildende Schule',
  'bildung.schulabschluss': 'Schulabschluss nachholen',
  'bildung.hausaufgabenhilfe': 'Lernförderung und Hausaufgabenhilfe',
  sprache: 'Sprache',
  'sprache.integrationskurs': 'Integrationskurs',
  'sprache.jugendintegrationskurs': 'Jugendintegrationskurs',
  'sprache.berufssprachkurs': 'Berufssprachkurs',
  'sprache.alphabetisierung': 'Alphabetisierungskurs',
  'sprache.sprachcafe': 'Sprachcafé und Sprachpartnerschaft',
  arbeit: 'Ausbildung und Arbeit',
  'arbeit.ihk': 'Industrie- und Handelskammer (IHK)',
  'arbeit.hwk': 'Handwerkskammer (HWK)',
  'arbeit.berufsberatung': 'Agentur für Arbeit / Berufsberatung',
  'arbeit.jobcenter': 'Jobcenter',
  'arbeit.jugendberufsagentur': 'Jugendberufsagentur',
  'arbeit.kompetenzagentur': 'Kompetenzagentur',
  'arbeit.bewerbungstraining': 'Bewerbungstraining',
  anerkennung: 'Anerkennung ausländischer Abschlüsse',
  'anerkennung.iq_beratung': 'IQ-Anerkennungsberatung',
  'anerkennung.zustaendige_stelle': 'Zuständige Stelle für die Anerkennung',
  beratung: 'Beratung',
  'beratung.mbe': 'Migrationsberatung für Erwachsene (MBE)',
  'beratung.asylverfahren': 'Asylverfahrensberatung',
  'beratung.psychosozial': 'Psychosoziale Beratung',
  'beratung.schulden': 'Schuldnerberatung',
  'beratung.familie': 'Familien- und Erziehungsberatung',
  'beratung.gewaltschutz': 'Beratung bei Gewalt und Diskriminierung',
  'beratung.sucht': 'Suchtberatung',
  behoerde: 'Behörden',
  'behoerde.auslaenderbehoerde': 'Ausländerbehörde',
  'behoerde.jugendamt': 'Jugendamt',
  'behoerde.sozialamt': 'Sozialamt',
  'behoerde.buergerbuero': 'Bürgerbüro',
  gesundheit: 'Gesundheit',
  'gesundheit.arzt': 'Ärztliche Versorgung',
  'gesundheit.oeffentlich': 'Gesundheitsamt',
  'gesundheit.sexualitaet': 'Familienplanung und Schwangerschaft',
  wohnen: 'Wohnen',
  'wohnen.wohnungslosenhilfe': 'Wohnungslosenhilfe',
  'wohnen.jugendwohnen': 'Jugendwohnen und betreutes Wohnen',
  'wohnen.beratung': 'Wohnberatung und Vermittlung',
  freizeit: 'Freizeit',
  'freizeit.sport': 'Sport',
  'freizeit.kultur': 'Kultur, Musik und Bibliothek',
  'freizeit.jugendzentrum': 'Jugendzentrum',
  ehrenamt: 'Ehrenamt',
  'ehrenamt.mentoring': 'Mentoring und Lotsen',
  'ehrenamt.sprachpaten': 'Sprachpatenschaften',
  'ehrenamt.engagement': 'Selbst engagieren',
};

/** The category ids with all their ancestors, ancestors first (a filter on "sprache" finds its subcategories). */
export function withAncestors(termIds: readonly string[]): string[] {
  const result: string[] = [];
  for (const id of termIds) {
    const parts = id.split('.');
    for (let i = 1; i <= parts.length; i++) {
      const key = parts.slice(0, i).join('.');
      if (!result.includes(key)) result.push(key);
    }
  }
  return result;
}

/** A seeded pseudo-random generator (mulberry32): same seed, same sequence, on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Service = [name: string, termIds: string[]];

const LANGUAGE_COURSES: Service[] = [
  ['Integrationskurs', ['sprache.integrationskurs']],
  ['Integrationskurs mit Kinderbetreuung', ['sprache.integrationskurs']],
  ['Jugendintegrationskurs', ['sprache.jugendintegrationskurs']],
  ['Jugendintegrationskurs am Vormittag', ['sprache.jugendintegrationskurs']],
  ['Alphabetisierungskurs für Erwachsene', ['sprache.alphabetisierung']],
  ['Zweitschriftlernerkurs', ['sprache.alphabetisierung']],
  ['Berufssprachkurs B1–C1', ['sprache.berufssprachkurs']],
  ['Berufssprachkurs für Gesundheitsberufe', ['sprache.berufssprachkurs', 'gesundheit']],
  ['Sprachcafé', ['sprache.sprachcafe']],
  ['Sprachcafé für Mütter', ['sprache.sprachcafe']],
  ['Deutschkurs für Geflüchtete', ['sprache.integrationskurs']],
  ['Einstufungstest und Kursberatung', ['sprache.integrationskurs']],
  ['Prüfungsvorbereitung Deutsch-Test für Zuwanderer', ['sprache.integrationskurs']],
  ['Schulabschluss nachholen (ESA/MSA)', ['bildung.schulabschluss']],
];

const WELFARE: Service[] = [
  ['Migrationsberatung für Erwachsene', ['beratung.mbe']],
  ['Jugendmigrationsdienst – Einzelfallbegleitung', ['beratung']],
  ['Asylverfahrensberatung', ['beratung.asylverfahren']],
  ['Flüchtlingsberatung', ['beratung.asylverfahren']],
  ['Psychosoziale Beratung für Geflüchtete', ['beratung.psychosozial']],
  ['Traumaberatung in der Muttersprache', ['beratung.psychosozial', 'gesundheit']],
  ['Schuldnerberatung', ['beratung.schulden']],
  ['Schuldnerberatung – offene Sprechstunde', ['beratung.schulden']],
  ['Familien- und Erziehungsberatung', ['beratung.familie']],
  ['Beratung zur Familienzusammenführung', ['beratung.familie']],
  ['Beratung bei häuslicher Gewalt', ['beratung.gewaltschutz']],
  ['Antidiskriminierungsberatung', ['beratung.gewaltschutz']],
  ['Suchtberatung für junge Menschen', ['beratung.sucht']],
  ['Glücksspielsuchtberatung', ['beratung.sucht']],
  ['Hilfe bei Wohnungslosigkeit', ['wohnen.wohnungslosenhilfe']],
  ['Straßensozialarbeit', ['wohnen.wohnungslosenhilfe']],
  ['Kleiderkammer und Möbelbörse', ['beratung']],
  ['Mentoring durch Ehrenamtliche', ['ehrenamt.mentoring']],
  ['Sprachcafé', ['sprache.sprachcafe']],
  ['Hausaufgabenhilfe', ['bildung.hausaufgabenhilfe']],
];

const FOREIGNERS_OFFICE: Service[] = [
  ['Ausländerbehörde – Aufenthaltstitel', ['behoerde.auslaenderbehoerde']],
  ['Ausländerbehörde – Beschäftigungserlaubnis', ['behoerde.auslaenderbehoerde']],
  ['Verlängerung der Aufenthaltserlaubnis', ['behoerde.auslaenderbehoerde']],
  ['Einbürgerungsberatung', ['behoerde.auslaenderbehoerde']],
  ['Ausbildungsduldung und Beschäftigungsduldung', ['behoerde.auslaenderbehoerde', 'arbeit']],
];

const CITIZENS_OFFICE: Service[] = [
  ['Anmeldung des Wohnsitzes im Bürgerbüro', ['behoerde.buergerbuero']],
  ['Führungszeugnis und Meldebescheinigung', ['behoerde.buergerbuero']],
  ['Beglaubigung von Zeugnissen', ['behoerde.buergerbuero', 'anerkennung']],
];

const YOUTH_OFFICE: Service[] = [
  ['Hilfen für junge Menschen und Familien', ['behoerde.jugendamt']],
  ['Amtsvormundschaft für unbegleitete Minderjährige', ['behoerde.jugendamt']],
  ['Jugendgerichtshilfe', ['behoerde.jugendamt']],
];

const SOCIAL_OFFICE: Service[] = [
  ['Leistungen nach dem Asylbewerberleistungsgesetz', ['behoerde.sozialamt']],
  ['Bildungs- und Teilhabeleistungen', ['behoerde.sozialamt']],
  ['Krankenbehandlungsschein', ['behoerde.sozialamt', 'gesundheit']],
];

const EMPLOYMENT: Service[] = [
  ['Berufsberatung für junge Geflüchtete', ['arbeit.berufsberatung']],
  ['Berufsorientierung für Neuzugewanderte', ['arbeit.berufsberatung']],
  ['Berufsberatung im Erwerbsleben', ['arbeit.berufsberatung']],
  ['Bewerbungstraining', ['arbeit.bewerbungstraining']],
];

const JOBCENTER: Service[] = [
  ['Beratung und Leistungen für unter 25-Jährige', ['arbeit.jobcenter']],
  ['Arbeitsvermittlung für Geflüchtete', ['arbeit.jobcenter']],
  ['Förderung von Sprachkursen und Umschulungen', ['arbeit.jobcenter', 'sprache']],
];

const YOUTH_EMPLOYMENT: Service[] = [
  ['Beratung in der Jugendberufsagentur', ['arbeit.jugendberufsagentur']],
  ['Übergangscoaching Schule–Beruf', ['arbeit.kompetenzagentur']],
  ['Bewerbungswerkstatt für Jugendliche', ['arbeit.bewerbungstraining']],
  ['Ausbildungslotsen', ['ehrenamt.mentoring', 'arbeit.berufsberatung']],
];

const CHAMBER_IHK: Service[] = [
  ['Ausbildungsberatung der IHK', ['arbeit.ihk']],
  ['Ausbildungsplatzbörse', ['arbeit.ihk']],
  ['Anerkennung ausländischer Berufsabschlüsse', ['anerkennung.zustaendige_stelle']],
];

const CHAMBER_HWK: Service[] = [
  ['Ausbildungsberatung im Handwerk', ['arbeit.hwk']],
  ['Praktikumsbörse Handwerk', ['arbeit.hwk']],
  ['Anerkennung von Gesellen- und Meisterbriefen', ['anerkennung.zustaendige_stelle']],
];

const RECOGNITION: Service[] = [
  ['Anerkennungsberatung', ['anerkennung.iq_beratung']],
  ['Zeugnisbewertung ausländischer Schulabschlüsse', ['anerkennung.zustaendige_stelle']],
  ['Qualifizierungsberatung nach dem Anerkennungsverfahren', ['anerkennung.iq_beratung']],
];

const HEALTH_OFFICE: Service[] = [
  ['Impfberatung und Schuleingangsuntersuchung', ['gesundheit.oeffentlich']],
  ['Zahnärztliche Untersuchung für Jugendliche', ['gesundheit.oeffentlich']],
  ['Tuberkulose-Screening', ['gesundheit.oeffentlich']],
];

const HEALTH: Service[] = [
  ['Ärztliche Sprechstunde ohne Versicherung', ['gesundheit.arzt']],
  ['Clearingstelle Krankenversicherung', ['gesundheit.arzt']],
  ['Schwangerschaftsberatung', ['gesundheit.sexualitaet']],
  ['Beratung zu Familienplanung und Verhütung', ['gesundheit.sexualitaet']],
];

const LIBRARY: Service[] = [
  ['Lesepatenschaften in der Stadtbücherei', ['freizeit.kultur', 'ehrenamt.sprachpaten']],
  ['Kulturangebot für junge Menschen', ['freizeit.kultur']],
  ['Sprachcafé in der Bibliothek', ['sprache.sprachcafe', 'freizeit.kultur']],
];

const YOUTH_CENTRE: Service[] = [
  ['Offener Jugendtreff', ['freizeit.jugendzentrum']],
  ['Mädchentreff', ['freizeit.jugendzentrum']],
  ['Hausaufgabenhilfe', ['bildung.hausaufgabenhilfe']],
  ['Theaterwerkstatt', ['freizeit.kultur']],
];

const SPORTS: Service[] = [
  ['Fußballtraining für Jugendliche', ['freizeit.sport']],
  ['Schwimmkurs für Anfängerinnen', ['freizeit.sport']],
  ['Boxtraining und Selbstverteidigung', ['freizeit.sport']],
];

const SCHOOLS: Service[] = [
  ['DaZ-Klasse für Neuzugewanderte', ['bildung.allgemeinbildende_schule']],
  ['Lernförderung für Schülerinnen und Schüler', ['bildung.hausaufgabenhilfe']],
  ['Schulsozialarbeit', ['bildung.allgemeinbildende_schule', 'beratung']],
];

const VOCATIONAL_SCHOOLS: Service[] = [
  ['Ausbildungsvorbereitung mit Deutsch als Zweitsprache', ['bildung.berufsschule']],
  ['Berufsintegrationsklasse', ['bildung.berufsschule']],
  ['Hauptschulabschluss an der Berufsschule', ['bildung.schulabschluss']],
];

const HOUSING: Service[] = [
  ['Betreutes Jugendwohnen', ['wohnen.jugendwohnen']],
  ['Wohngruppe für unbegleitete Minderjährige', ['wohnen.jugendwohnen']],
  ['Wohnberatung und Mietschuldenhilfe', ['wohnen.beratung']],
  ['Mieterberatung', ['wohnen.beratung']],
];

const VOLUNTEERING: Service[] = [
  ['Sprachpatenschaft', ['ehrenamt.sprachpaten']],
  ['Mentoring durch Ehrenamtliche', ['ehrenamt.mentoring']],
  ['Selbst aktiv werden – Ehrenamtsbörse', ['ehrenamt.engagement']],
  ['Begleitung zu Ämtern und Behörden', ['ehrenamt.mentoring']],
];

interface OrganizationTemplate {
  name: (city: string, district: string) => string;
  category: PartnerCategory;
  services: Service[];
  weight: number;
}

const ORGANIZATIONS: OrganizationTemplate[] = [
  { name: (c) => `Volkshochschule ${c}`, category: 'language_course', services: LANGUAGE_COURSES, weight: 5 },
  {
    name: (c) => `Sprachinstitut Brücke ${c}`,
    category: 'language_course',
    services: LANGUAGE_COURSES,
    weight: 2,
  },
  { name: (c) => `Caritasverband ${c}`, category: 'counselling', services: WELFARE, weight: 4 },
  {
    name: (c, d) => `Caritas Ortsverband ${c}-${d}`,
    category: 'counselling',
    services: WELFARE,
    weight: 3,
  },
  { name: (c) => `Diakonisches Werk ${c}`, category: 'counselling', services: WELFARE, weight: 4 },
  {
    name: (c, d) => `Diakonie ${c} – Beratungszentrum ${d}`,
    category: 'counselling',
    services: WELFARE,
    weight: 2,
  },
  { name: (c) => `AWO Kreisverband ${c}`, category: 'counselling', services: WELFARE, weight: 3 },
  { name: (c) => `DRK-Kreisverband ${c}`, category: 'counselling', services: WELFARE, weight: 2 },
  {
    name: (c) => `Der Paritätische – Regionalgeschäftsstelle ${c}`,
    category: 'counselling',
    services: WELFARE,
    weight: 1,
  },
  { name: (c) => `Jugendmigrationsdienst ${c}`, category: 'counselling', services: WELFARE, weight: 2 },
  { name: (c) => `Malteser Hilfsdienst ${c}`, category: 'counselling', services: WELFARE, weight: 1 },
  {
    name: (c) => `Stadt ${c} – Ausländerbehörde`,
    category: 'authority',
    services: FOREIGNERS_OFFICE,
    weight: 2,
  },
  { name: (c, d) => `Bürgerbüro ${c}-${d}`, category: 'authority', services: CITIZENS_OFFICE, weight: 2 },
  { name: (c) => `Jugendamt ${c}`, category: 'authority', services: YOUTH_OFFICE, weight: 2 },
  { name: (c) => `Sozialamt ${c}`, category: 'authority', services: SOCIAL_OFFICE, weight: 1 },
  { name: (c) => `Agentur für Arbeit ${c}`, category: 'youth_employment', services: EMPLOYMENT, weight: 2 },
  { name: (c) => `Jobcenter ${c}`, category: 'youth_employment', services: JOBCENTER, weight: 2 },
  {
    name: (c) => `Jugendberufsagentur ${c}`,
    category: 'youth_employment',
    services: YOUTH_EMPLOYMENT,
    weight: 2,
  },
  { name: (c) => `Industrie- und Handelskammer ${c}`, category: 'chamber', services: CHAMBER_IHK, weight: 1 },
  { name: (c) => `Handwerkskammer ${c}`, category: 'chamber', services: CHAMBER_HWK, weight: 1 },
  {
    name: (c) => `IQ Netzwerk – Anerkennungsberatung ${c}`,
    category: 'recognition',
    services: RECOGNITION,
    weight: 1,
  },
  { name: (c) => `Gesundheitsamt ${c}`, category: 'health', services: HEALTH_OFFICE, weight: 1 },
  { name: (c) => `pro familia ${c}`, category: 'health', services: HEALTH, weight: 1 },
  { name: (c) => `Medizinische Flüchtlingshilfe ${c}`, category: 'health', services: HEALTH, weight: 1 },
  { name: (c) => `Stadtbücherei ${c}`, category: 'leisure', services: LIBRARY, weight: 1 },
  { name: (c, d) => `Jugendzentrum ${d} (${c})`, category: 'leisure', services: YOUTH_CENTRE, weight: 3 },
  {
    name: (c, d) => `Turn- und Sportverein ${c}-${d} e. V.`,
    category: 'leisure',
    services: SPORTS,
    weight: 2,
  },
  { name: (c, d) => `Gesamtschule ${c}-${d}`, category: 'school', services: SCHOOLS, weight: 2 },
  {
    name: (c) => `Berufsbildende Schulen ${c}`,
    category: 'vocational_school',
    services: VOCATIONAL_SCHOOLS,
    weight: 2,
  },
  { name: (c) => `Mieterverein ${c} e. V.`, category: 'housing', services: HOUSING, weight: 1 },
  { name: (c) => `Jugendwohnen Weitblick gGmbH ${c}`, category: 'housing', services: HOUSING, weight: 1 },
  { name: (c) => `Freiwilligenagentur ${c}`, category: 'volunteering', services: VOLUNTEERING, weight: 2 },
];

// What a service name may carry after it, by top-level category ("{d}" = the district).
const QUALIFIERS: Record<string, string[]> = {
  sprache: [
    '(Vormittag)',
    '(Nachmittag)',
    '(Abendkurs)',
    '(Intensivkurs)',
    '– Online-Kurs',
    'für Frauen',
    'im Stadtteil {d}',
  ],
  behoerde: ['– Terminvergabe', '– Außenstelle {d}', '– Servicepunkt {d}', 'in Leichter Sprache'],
  freizeit: ['am Wochenende', 'für Mädchen', 'im Stadtteil {d}', 'in den Schulferien'],
  default: [
    '– offene Sprechstunde',
    'mit Termin',
    'in Leichter Sprache',
    'mit Dolmetscherinnen und Dolmetschern',
    '– Außenstelle {d}',
    'für Jugendliche',
    'für Familien',
  ],
};

const DESCRIPTIONS: Record<string, string[]> = {
  sprache: [
    'Der Kurs führt in kleinen Gruppen zum Sprachniveau B1.',
    'Die Größe der Gruppe ist auf 20 Teilnehmende begrenzt.',
    'Für Jugendliche und junge Erwachsene bis 27 Jahre, die nicht mehr schulpflichtig sind.',
    'Kinderbetreuung während der Unterrichtszeit ist möglich.',
    'Fahrtkosten übernimmt auf Antrag das Bundesamt für Migration und Flüchtlinge.',
    'Am Ende steht der Deutsch-Test für Zuwanderer und der Orientierungskurs.',
    'Zwanglose Gespräche über Alltag, Arbeit und Freizeit, ohne Anmeldung.',
  ],
  beratung: [
    'Vertrauliche Beratung in schwierigen Lebenslagen, auch ohne Termin.',
    'Wir prüfen Bescheide, helfen bei Anträgen und begleiten zu Ämtern.',
    'Gespräche auf Wunsch mit Sprachmittlung, auch auf Arabisch, Farsi und Türkisch.',
    'Wir erstellen einen Überblick über Schulden und verhandeln mit Gläubigern.',
    'Unterstützung bei der Familienzusammenführung und beim Nachzug von Angehörigen.',
    'Begleitung bei Behördengängen, Übersetzung von Briefen, Hilfe bei Formularen.',
  ],
  behoerde: [
    'Termine bitte online über das Bürgerportal buchen.',
    'Zuständig für Aufenthaltserlaubnis, Niederlassungserlaubnis und Duldung.',
    'Bitte bringen Sie Pass, Meldebescheinigung und biometrisches Lichtbild mit.',
    'Auskünfte zur Beschäftigungserlaubnis und zum Familiennachzug.',
    'Die Wartezeit für einen Termin beträgt derzeit etwa zwei Wochen.',
  ],
  arbeit: [
    'Gemeinsam finden wir heraus, welche Ausbildung zu Ihren Stärken passt.',
    'Hilfe bei Lebenslauf, Anschreiben und der Vorbereitung auf Vorstellungsgespräche.',
    'Vermittlung in Praktika, Einstiegsqualifizierung und Ausbildung.',
    'Beratung zu Berufsausbildungsbeihilfe und ausbildungsbegleitenden Hilfen.',
    'Auch für junge Menschen mit Duldung oder Aufenthaltsgestattung.',
  ],
  anerkennung: [
    'Wir klären, welche Stelle für die Anerkennung Ihres Abschlusses zuständig ist.',
    'Beratung zu Kosten, Übersetzungen und Anpassungsqualifizierungen.',
    'Gleichwertigkeitsprüfung ausländischer Berufsabschlüsse nach dem Berufsqualifikationsfeststellungsgesetz.',
  ],
  bildung: [
    'Unterricht in Deutsch als Zweitsprache mit dem Ziel des Übergangs in die Regelklasse.',
    'Förderung in Mathematik, Deutsch und Englisch durch Studierende.',
    'Der Abschluss kann in einem oder zwei Jahren nachgeholt werden.',
    'Sozialpädagogische Begleitung während des ganzen Schuljahres.',
  ],
  gesundheit: [
    'Anonyme und kostenlose Sprechstunde, auch ohne Krankenversicherung.',
    'Ärztinnen und Ärzte beraten zu Impfungen, Vorsorge und Verhütung.',
    'Hilfe beim Zugang zur gesetzlichen Krankenversicherung.',
    'Beratung während der Schwangerschaft und nach der Geburt.',
  ],
  wohnen: [
    'Hilfe bei drohendem Wohnungsverlust, Räumungsklagen und Mietschulden.',
    'Betreute Wohngruppe mit Rund-um-die-Uhr-Betreuung durch Fachkräfte.',
    'Unterstützung bei der Wohnungssuche und beim Wohnberechtigungsschein.',
    'Übernachtungsmöglichkeit und warme Mahlzeiten für Menschen ohne Wohnung.',
  ],
  freizeit: [
    'Offene Angebote am Nachmittag: Kickern, Billard, Musik und Gespräche.',
    'Training für Anfängerinnen und Anfänger, Sportkleidung kann geliehen werden.',
    'Lesungen, Workshops und Ausflüge für junge Menschen aus aller Welt.',
    'Ein geschützter Raum für Mädchen und junge Frauen.',
  ],
  ehrenamt: [
    'Ehrenamtliche begleiten junge Menschen ein Jahr lang im Alltag.',
    'Sprachpatinnen und Sprachpaten üben einmal pro Woche Deutsch im Gespräch.',
    'Wir vermitteln Ehrenamtliche an Vereine, Schulen und Initiativen.',
  ],
};

const GENERAL_SENTENCES = [
  'Der Eingang ist barrierefrei, ein Aufzug ist vorhanden.',
  'Die Beratung ist kostenlos und vertraulich.',
  'Bitte melden Sie sich vorher telefonisch an.',
  'Erreichbar mit Bus und Straßenbahn, Haltestelle direkt vor dem Haus.',
  'Für Rückfragen von Fachkräften gibt es eine eigene Telefonnummer.',
];

const HOURS = [
  'Mo-Do 08:00-16:00; Fr 08:00-12:00; Feiertage geschlossen',
  'Mo,Mi,Fr 09:00-12:00; Di,Do 09:00-12:00,14:00-18:00; Feiertage geschlossen',
  'Mo,Mi 10:00-13:00; Do 14:00-17:00; Feiertage geschlossen',
  'Mo-Fr 07:30-15:30; Feiertage geschlossen',
  'Di-Fr 14:00-20:00; Sa 12:00-22:00',
  'Mo-Fr 08:30-12:30,13:30-15:30; Feiertage geschlossen',
  'Mi 16:00-18:30; Sa 10:00-13:00',
  'Mo-Fr 09:00-17:00',
  'Di,Do 15:00-19:00',
  'Fr 18:00-02:00; Sa 16:00-01:00',
  '',
];

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

const OTHER_LANGUAGES = [
  'ar',
  'fa',
  'prs',
  'en',
  'tr',
  'uk',
  'ru',
  'kmr',
  'ti',
  'so',
  'fr',
  'ps',
  'ckb',
  'ro',
  'pl',
  'sq',
];

const STREETS = [
  'Hauptstraße',
  'Bahnhofstraße',
  'Schillerstraße',
  'Goethestraße',
  'Lindenstraße',
  'Große Straße',
  'Mühlenweg',
  'Kirchplatz',
  'Marktstraße',
  'Friedrich-Ebert-Straße',
  'Am Gänsemarkt',
  'Königstraße',
  'Schloßstraße',
  'Grüner Weg',
  'Rosa-Luxemburg-Straße',
  'Jahnstraße',
  'Theodor-Heuss-Platz',
  'Münzgasse',
  'Fährstraße',
  'Brückenstraße',
];

const CONTACTS = [
  'Frau Schäfer',
  'Herr Öztürk',
  'Frau Müller',
  'Herr Al-Hassan',
  'Frau Kowalczyk',
  'Herr Weiß',
  'Frau Nguyen',
  'Herr Jürgens',
  'Frau Demir',
  'Herr Krüger',
];
const TITLES = ['Beratung', 'Sozialpädagogik', 'Kursleitung', 'Sachbearbeitung', 'Koordination'];

const BRING: Record<string, string> = {
  sprache: 'Pass oder Ankunftsnachweis, Berechtigungsschein des BAMF, falls vorhanden',
  behoerde: 'Pass oder Passersatz, aktueller Aufenthaltstitel, Meldebescheinigung, Terminbestätigung',
  arbeit: 'Lebenslauf, Zeugnisse (auch ausländische, möglichst übersetzt), Ausweis',
  anerkennung: 'Zeugnisse und Urkunden im Original, Übersetzungen, Lebenslauf',
  bildung: 'Letzte Zeugnisse, Ausweis, bei Minderjährigen eine sorgeberechtigte Person',
  beratung: 'Briefe und Bescheide, um die es geht; Ausweis',
  gesundheit: 'Versichertenkarte oder Behandlungsschein, Impfpass, falls vorhanden',
  wohnen: 'Ausweis, Bescheide über Einkommen oder Leistungen, Mietvertrag, falls vorhanden',
  freizeit: 'Nichts Besonderes',
  ehrenamt: 'Nichts Besonderes',
};

/** One synthetic entry: a service of an organization at one site, in the shape both outputs derive from. */
interface SyntheticRecord {
  index: number;
  siteKey: string;
  organizationName: string;
  category: PartnerCategory;
  cityName: string;
  district: string;
  street: string;
  postcode: string;
  lat: number | null;
  lon: number | null;
  phone: string;
  email: string;
  name: string;
  ownTermIds: string[];
  description: string;
  minAge: number | null;
  maxAge: number | null;
  freeOfCharge: boolean | null;
  wheelchairAccessible: boolean | null;
  freePlaces: number | null;
  openingHours: string;
  languages: string[];
  contactName: string;
  contactTitle: string;
  assuredDate: string;
}

/** Options of the generators. */
export interface GenerateOptions {
  /** Reference time for "confirmed within the last two years" (default: today 00:00 UTC, stable within a day). */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);

function* generateRecords(count: number, seed: number, options: GenerateOptions): Generator<SyntheticRecord> {
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const cityWeights = GERMAN_CITIES.map((_, i) => 1 / Math.sqrt(i + 1));
  const organizationWeights = ORGANIZATIONS.map((o) => o.weight);
  const weighted = (weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = random() * total;
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r < 0) return i;
    }
    return weights.length - 1;
  };
  const today = options.now ?? new Date(new Date().toISOString().slice(0, 10));
  const twoYearsMs = 730 * 86_400_000;

  let index = 0;
  let site = 0;
  while (index < count) {
    const cityIndex = weighted(cityWeights);
    const place = GERMAN_CITIES[cityIndex]!;
    const template = ORGANIZATIONS[weighted(organizationWeights)]!;
    const district = pick(place.districts);
    const organizationName = template.name(place.name, district);
    // Uniform in a disc: larger cities spread wider.
    const radiusKm = (cityIndex < 15 ? 7 : 4) * Math.sqrt(random());
    const angle = random() * 2 * Math.PI;
    const geocoded = !chance(0.02);
    const lat = geocoded ? round5(place.lat + (radiusKm * Math.cos(angle)) / 111.2) : null;
    const lon = geocoded
      ? round5(place.lon + (radiusKm * Math.sin(angle)) / (111.2 * Math.cos((place.lat * Math.PI) / 180)))
      : null;
    const postcode = String(Number(place.postcode) + int(0, 40)).padStart(5, '0');
    const street = `${pick(STREETS)} ${int(1, 140)}`;
    const phone = `0${int(200, 999)} ${int(100000, 999999)}`;
    const email = `kontakt@${slug(organizationName)}.example`;
    const siteKey = `site-${site++}`;
    const available = [...template.services];
    const servicesHere = Math.min(available.length, int(1, 5));
    for (let s = 0; s < servicesHere && index < count; s++) {
      const [baseName, ownTermIds] = available.splice(Math.floor(random() * available.length), 1)[0]!;
      const top = ownTermIds[0]!.split('.')[0]!;
      const qualifiers = QUALIFIERS[top] ?? QUALIFIERS['default']!;
      const name = chance(0.45) ? `${baseName} ${pick(qualifiers).replace('{d}', district)}` : baseName;
      const pool = [...(DESCRIPTIONS[top] ?? DESCRIPTIONS['beratung']!)];
      const sentences: string[] = [];
      for (let k = int(2, 3); k > 0 && pool.length > 0; k--) {
        sentences.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
      }
      sentences.push(pick(GENERAL_SENTENCES));
      const [minBase, maxBase] = AGES[top] ?? [null, null];
      const minAge = minBase === null ? null : minBase + int(-2, 2);
      const maxAge = maxBase === null ? null : Math.max(maxBase + int(-3, 3), (minAge ?? 0) + 1);
      const paid = top === 'sprache' && !baseName.startsWith('Sprachcafé') && chance(0.5);
      const languages = ['de'];
      for (let k = int(0, 3); k > 0; k--) {
        const language = pick(OTHER_LANGUAGES);
        if (!languages.includes(language)) languages.push(language);
      }
      const hasPlaces = top === 'sprache' || top === 'bildung' || top === 'wohnen';
      const assured = new Date(today.getTime() - Math.floor(random() * twoYearsMs));
      yield {
        index,
        siteKey,
        organizationName,
        category: template.category,
        cityName: place.name,
        district,
        street,
        postcode,
        lat,
        lon,
        phone,
        email,
        name,
        ownTermIds,
        description: sentences.join(' '),
        minAge,
        maxAge,
        freeOfCharge: chance(0.05) ? null : !paid,
        wheelchairAccessible: chance(0.2) ? null : chance(0.6),
        freePlaces: hasPlaces && chance(0.7) ? int(0, 15) : null,
        openingHours: pick(HOURS),
        languages,
        contactName: pick(CONTACTS),
        contactTitle: pick(TITLES),
        assuredDate: assured.toISOString(),
      };
      index++;
      if (index % 1000 === 0 || index === count) options.onProgress?.(index, count);
    }
  }
}

const round5 = (value: number) => Math.round(value * 100_000) / 100_000;

/** Deterministic synthetic search documents (same seed, same documents; ids "syn-000000", …). */
export function generateServices(count: number, seed = 42, options: GenerateOptions = {}): SearchDocument[] {
  const documents: SearchDocument[] = [];
  for (const r of generateRecords(count, seed, options)) {
    documents.push({
      id: `syn-${String(r.index).padStart(6, '0')}`,
      externalId: r.index % 4 === 0 ? `SYN-${r.index}` : null,
      name: r.name,
      organization: r.organizationName,
      description: r.description,
      termIds: withAncestors(r.ownTermIds),
      categories: r.ownTermIds.map((id) => CATEGORY_NAMES[id] ?? id),
      languages: r.languages,
      minAge: r.minAge,
      maxAge: r.maxAge,
      freeOfCharge: r.freeOfCharge,
      wheelchairAccessible: r.wheelchairAccessible,
      freePlaces: r.freePlaces,
      openingHours: r.openingHours,
      lat: r.lat,
      lon: r.lon,
      postcode: r.postcode,
      district: r.district,
      city: r.cityName,
      assuredDate: r.assuredDate,
    });
  }
  return documents;
}

/** The service form as typed text (what ServiceFormSchema parses). */
export type ServiceFormInput = z.input<typeof ServiceFormSchema>;

/** One synthetic service ready for the app database: its organization, its site and its form. */
export interface SyntheticServiceForm {
  /** Same key = same site: insert the location once and offer all its services there. */
  siteKey: string;
  organization: OrganizationForm;
  location: LocationFields;
  /** Fill `locationIds` with the inserted location before parsing. */
  service: ServiceFormInput;
  assuredDate: string;
}

/** The same synthetic entries as `generateServices`, as organization, location and service form for insertion. */
export function generateServiceForms(
  count: number,
  seed = 42,
  options: GenerateOptions = {},
): SyntheticServiceForm[] {
  const forms: SyntheticServiceForm[] = [];
  const yes = (value: boolean | null) => (value === null ? '' : value ? 'ja' : 'nein');
  for (const r of generateRecords(count, seed, options)) {
    const top = r.ownTermIds[0]!.split('.')[0]!;
    forms.push({
      siteKey: r.siteKey,
      organization: {
        kind: 'partner',
        category: r.category,
        parentId: null,
        name: r.organizationName,
        street: r.street,
        postcode: r.postcode,
        city: r.cityName,
        district: r.district,
        latitude: r.lat,
        longitude: r.lon,
        phone: r.phone,
        email: r.email,
        website: `https://www.${r.email.split('@')[1]!}`,
        description: null,
        languages: r.languages,
      },
      location: {
        name: null,
        street: r.street,
        postcode: r.postcode,
        city: r.cityName,
        district: r.district,
        latitude: r.lat,
        longitude: r.lon,
        transitNotes: null,
      },
      service: {
        name: r.name,
        description: r.description,
        termIds: r.ownTermIds,
        minAge: r.minAge === null ? '' : String(r.minAge),
        maxAge: r.maxAge === null ? '' : String(r.maxAge),
        eligibilityNotes: '',
        freeOfCharge: yes(r.freeOfCharge),
        feesDescription:
          r.freeOfCharge === false ? 'Eigenanteil 2,29 € je Unterrichtsstunde; Befreiung möglich.' : '',
        applicationProcess: 'Telefonisch einen Termin vereinbaren oder zur offenen Sprechstunde kommen.',
        requiredDocuments: BRING[top] ?? '',
        accessibility: r.wheelchairAccessible ? 'Eingang stufenlos, Aufzug, barrierefreies WC.' : '',
        wheelchairAccessible: yes(r.wheelchairAccessible),
        freePlaces: r.freePlaces === null ? '' : String(r.freePlaces),
        openingHours: r.openingHours,
        languages: r.languages.join(', '),
        status: 'active',
        phone: r.phone,
        contactName: r.contactName,
        contactTitle: r.contactTitle,
        contactEmail: r.email,
        contactPhone: '',
        locationIds: [],
      },
      assuredDate: r.assuredDate,
    });
  }
  return forms;
}
