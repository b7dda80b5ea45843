/**
 * The import template offered for download on the import page: the header row with every column the import reads
 * and one example line, as German Excel opens it (UTF-8 with byte order mark, semicolons, CRLF).
 * @module
 */
import { IMPORT_COLUMNS, type ImportColumn } from './import.service';

/** One example offer, each column filled as docs/import.md describes it. */
const EXAMPLE: Record<ImportColumn, string> = {
  externe_id: 'BEISPIEL-0001',
  organisation: 'Sprachschule Beispielstadt',
  name: 'Jugendintegrationskurs',
  kategorie: 'sprache.jugendintegrationskurs',
  beschreibung: 'Integrationskurs für junge Menschen bis 27 Jahre mit 900 Unterrichtsstunden.',
  strasse: 'Königstraße 42',
  plz: '23552',
  ort: 'Lübeck',
  stadtteil: 'Innenstadt',
  breitengrad: '53,8689',
  laengengrad: '10,6871',
  telefon: '0451 123450',
  email: 'kurse@beispiel.example',
  webseite: 'https://www.beispiel.example',
  sprachen: 'Deutsch, Arabisch',
  alter_von: '16',
  alter_bis: '27',
  kostenlos: 'ja',
  oeffnungszeiten: 'Mo-Do 08:00-16:00; Fr 08:00-12:00',
  barrierefrei: 'nein',
  mitbringen: 'Pass, Zeugnisse',
  so_vermitteln: 'Anruf, dann Termin per E-Mail',
  freie_plaetze: '4',
  ansprechperson: 'Lena Sommer',
  status: 'aktiv',
};

/** A cell as RFC 4180 wants it: quoted when it holds the delimiter, a quote or a line break. */
function cell(value: string): string {
  return /[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The template file's text: byte order mark, header row, one example line. */
export function importTemplateCsv(): string {
  const header = IMPORT_COLUMNS.join(';');
  const example = IMPORT_COLUMNS.map((column) => cell(EXAMPLE[column])).join(';');
  return `\uFEFF${header}\r\n${example}\r\n`;
}

/** The file name the download is saved under. */
export const IMPORT_TEMPLATE_FILE_NAME = 'import-vorlage.csv';
