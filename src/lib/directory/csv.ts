/**
 * CSV files as Excel and LibreOffice write them: `;` (German Excel), `,` or tab as delimiter, RFC 4180 quoting
 * (`"…"`, `""` for a quote inside, line breaks inside quotes), CRLF or LF, optionally a byte order mark; files in
 * UTF-8, Windows-1252 or UTF-16 (Excel's „Unicode-Text“), see decodeCsvBytes.
 * Pure: no files, no database.
 * @module
 */

/** The delimiters a CSV file may use. */
export type CsvDelimiter = ';' | ',' | '\t';

/** One record of a CSV file: the physical line it starts on (1-based) and its cells by column name. */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

/** The parsed file, or a German message with the line to look at. */
export type CsvParseResult =
  | { ok: true; delimiter: CsvDelimiter; header: string[]; rows: CsvRow[] }
  | { ok: false; line: number; error: string };

const DELIMITERS: CsvDelimiter[] = [';', '\t', ','];

const DELIMITER_NAMES: Record<CsvDelimiter, string> = {
  ';': 'Semikolon',
  ',': 'Komma',
  '\t': 'Tabulator',
};

/** The delimiter a header line uses: the most frequent of `;`, tab and `,` outside quotes (`;` on a tie). */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: CsvDelimiter = ';';
  for (const delimiter of DELIMITERS) {
    if ((counts.get(delimiter) ?? 0) > (counts.get(best) ?? 0)) best = delimiter;
  }
  return best;
}

type RawRecord = { line: number; cells: string[] };

/** Splits the text into records; fails only on a quote that is never closed. */
function splitRecords(
  source: string,
  delimiter: CsvDelimiter,
): { ok: true; records: RawRecord[] } | { ok: false; line: number } {
  const records: RawRecord[] = [];
  const length = source.length;
  let index = 0;
  let line = 1;
  const scanPlain = () => {
    let end = index;
    while (end < length && source[end] !== delimiter && source[end] !== '\n') end++;
    const text = source.slice(index, end);
    index = end;
    return text;
  };
  while (index < length) {
    const record: RawRecord = { line, cells: [] };
    for (;;) {
      let cell: string;
      if (source[index] === '"') {
        const quoteLine = line;
        const parts: string[] = [];
        index++;
        for (;;) {
          const close = source.indexOf('"', index);
          if (close === -1) return { ok: false, line: quoteLine };
          const part = source.slice(index, close);
          for (let i = part.indexOf('\n'); i !== -1; i = part.indexOf('\n', i + 1)) line++;
          parts.push(part);
          index = close + 1;
          if (source[index] !== '"') break;
          parts.push('"');
          index++;
        }
        // Text after the closing quote (`"a"b`) is not RFC 4180, but kept rather than lost.
        cell = parts.join('') + scanPlain();
      } else {
        cell = scanPlain();
      }
      record.cells.push(cell);
      if (source[index] === delimiter) {
        index++;
        continue;
      }
      if (index < length) {
        index++;
        line++;
      }
      break;
    }
    records.push(record);
  }
  return { ok: true, records };
}

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === '');

/**
 * Parses a CSV text: strips a BOM, detects the delimiter from the header line, reads quoted fields, skips empty
 * lines (also `;;;` lines Excel writes for empty rows). Header names are trimmed and lower-cased; missing cells at
 * the end of a row count as empty.
 */
export function parseCsv(text: string): CsvParseResult {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const headerLine = source.split('\n').find((line) => line.trim() !== '') ?? '';
  const delimiter = detectDelimiter(headerLine);
  const split = splitRecords(source, delimiter);
  if (!split.ok) {
    return {
      ok: false,
      line: split.line,
      error:
        'Ein Anführungszeichen (") wird nicht geschlossen. Ein Feld, das mit " beginnt, muss mit " enden; ' +
        'ein Anführungszeichen im Text wird als "" geschrieben.',
    };
  }
  const records = split.records.filter((record) => !isBlank(record.cells));
  const first = records.shift();
  if (!first)
    return {
      ok: false,
      line: 1,
      error: 'Die Datei ist leer. Die erste Zeile muss die Spaltennamen enthalten.',
    };
  const header = first.cells.map((name) => name.trim().toLowerCase());
  // Excel adds empty header cells when a column to the right was once used.
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const seen = new Set<string>();
  for (const name of header) {
    if (name !== '' && seen.has(name)) {
      return {
        ok: false,
        line: first.line,
        error: `Die Spalte „${name}“ kommt in der Kopfzeile zweimal vor. Bitte jede Spalte nur einmal verwenden.`,
      };
    }
    seen.add(name);
  }
  const rows: CsvRow[] = [];
  for (const record of records) {
    const extra = record.cells.slice(header.length);
    if (extra.some((cell) => cell.trim() !== '')) {
      return {
        ok: false,
        line: record.line,
        error:
          `Die Zeile hat mehr Felder als die Kopfzeile Spalten (${header.length}). Enthält ein Feld ein ` +
          `${DELIMITER_NAMES[delimiter]}, muss es in Anführungszeichen stehen.`,
      };
    }
    const cells: Record<string, string> = {};
    header.forEach((name, column) => {
      if (name !== '') cells[name] = record.cells[column] ?? '';
    });
    rows.push({ line: record.line, cells });
  }
  return { ok: true, delimiter, header, rows };
}

// Windows-1252 characters of bytes 0x80–0x9F (WHATWG index; five bytes stay C1 controls).
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * Decodes a file's bytes. A byte order mark decides first: FF FE is UTF-16LE (Excel's „Unicode-Text“, tab-separated),
 * FE FF UTF-16BE, EF BB BF UTF-8. Without one, the bytes are UTF-8, or Windows-1252 when they are not valid UTF-8
 * (older Excel exports). The BOM is kept as U+FEFF; parseCsv strips it.
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be');
  try {
    // ignoreBOM keeps a UTF-8 BOM in the text, so every decoding hands parseCsv the same shape.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Node 20.18.3+ decodes windows-1252 as Latin-1 (nodejs/node#56542), turning „ “ € – into control
    // characters; mapping them afterwards is right on fixed versions too.
    return new TextDecoder('windows-1252')
      .decode(bytes)
      .replace(/[\u0080-\u009f]/g, (char) => CP1252_C1[char.charCodeAt(0) - 0x80] ?? char);
  }
}

/** UTF-16 with its BOM kept; an odd last byte or a broken surrogate becomes U+FFFD rather than a refusal. */
function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string {
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
}
