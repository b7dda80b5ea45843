import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, parseCsv, type CsvParseResult } from '../../src/lib/directory/csv';

function parsed(text: string) {
  const result: CsvParseResult = parseCsv(text);
  if (!result.ok) throw new Error(`unexpected error in line ${result.line}: ${result.error}`);
  return result;
}

describe('parseCsv', () => {
  it('strips a byte order mark and trims and lower-cases the header names', () => {
    const result = parsed('\uFEFF Externe_ID ;Name\n1;Sprachcafé\n');
    expect(result.header).toEqual(['externe_id', 'name']);
    expect(result.rows).toEqual([{ line: 2, cells: { externe_id: '1', name: 'Sprachcafé' } }]);
  });

  it('detects a semicolon as German Excel writes it', () => {
    const result = parsed('a;b;c\n1,5;2;3\n');
    expect(result.delimiter).toBe(';');
    expect(result.rows[0]!.cells).toEqual({ a: '1,5', b: '2', c: '3' });
  });

  it('detects a comma', () => {
    const result = parsed('a,b\n"x;y",2\n');
    expect(result.delimiter).toBe(',');
    expect(result.rows[0]!.cells).toEqual({ a: 'x;y', b: '2' });
  });

  it('detects a tab', () => {
    const result = parsed('a\tb\n1, 2\t3; 4\n');
    expect(result.delimiter).toBe('\t');
    expect(result.rows[0]!.cells).toEqual({ a: '1, 2', b: '3; 4' });
  });

  it('reads quoted fields with doubled quotes and delimiters inside', () => {
    const result = parsed('a;b\n"Kurs ""Ankommen""; donnerstags";"x"\n');
    expect(result.rows[0]!.cells).toEqual({ a: 'Kurs "Ankommen"; donnerstags', b: 'x' });
  });

  it('keeps a line break inside quotes and numbers each row by the line it starts on', () => {
    const result = parsed('a;b\n1;"erste Zeile\nzweite Zeile\ndritte"\n2;x\n');
    expect(result.rows).toEqual([
      { line: 2, cells: { a: '1', b: 'erste Zeile\nzweite Zeile\ndritte' } },
      { line: 5, cells: { a: '2', b: 'x' } },
    ]);
  });

  it('reads CRLF line ends, also inside quotes, as plain line breaks', () => {
    const result = parsed('a;b\r\n1;"x\r\ny"\r\n2;z\r\n');
    expect(result.rows).toEqual([
      { line: 2, cells: { a: '1', b: 'x\ny' } },
      { line: 4, cells: { a: '2', b: 'z' } },
    ]);
  });

  it('skips empty lines and rows of empty cells but keeps the physical line numbers', () => {
    const result = parsed('\na;b\n\n1;2\n;\n   \n3;4');
    expect(result.rows.map((row) => [row.line, row.cells['a']])).toEqual([
      [4, '1'],
      [7, '3'],
    ]);
  });

  it('treats missing cells at the end of a row as empty', () => {
    expect(parsed('a;b;c\n1\n').rows[0]!.cells).toEqual({ a: '1', b: '', c: '' });
  });

  it('reports a quote that is never closed with the line where it opens', () => {
    const result = parseCsv('a;b\n1;2\n3;"offen\nweiter\n');
    expect(result).toMatchObject({ ok: false, line: 3 });
    expect(!result.ok && result.error).toMatch(/Anführungszeichen.*nicht geschlossen/);
  });

  it('reports a row with more cells than the header, naming the delimiter', () => {
    const result = parseCsv('a;b\n1;2\n3;4;5\n');
    expect(result).toMatchObject({ ok: false, line: 3 });
    expect(!result.ok && result.error).toContain('Semikolon');
  });

  it('ignores empty cells beyond the header that Excel sometimes adds', () => {
    expect(parsed('a;b\n1;2;;\n').rows[0]!.cells).toEqual({ a: '1', b: '2' });
  });

  it('refuses a header that names a column twice', () => {
    expect(parseCsv('name;Name\n1;2\n')).toMatchObject({ ok: false, line: 1 });
  });

  it('refuses an empty file', () => {
    expect(parseCsv('\uFEFF\r\n')).toMatchObject({ ok: false, line: 1 });
  });
});

describe('decodeCsvBytes', () => {
  it('decodes UTF-8', () => {
    expect(decodeCsvBytes(new TextEncoder().encode('Lübeck;Straße'))).toBe('Lübeck;Straße');
  });

  it('falls back to Windows-1252 for older Excel exports', () => {
    const bytes = new Uint8Array([0x4c, 0xfc, 0x62, 0x65, 0x63, 0x6b]);
    expect(decodeCsvBytes(bytes)).toBe('Lübeck');
  });

  it('decodes the Windows-1252 quotes, dashes and euro sign, not C1 control characters', () => {
    const bytes = new Uint8Array([0x84, 0x4b, 0x75, 0x72, 0x73, 0x93, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80]);
    expect(decodeCsvBytes(bytes)).toBe('„Kurs“ – 5 €');
  });

  /** The bytes Excel writes for „Unicode-Text“: UTF-16 little-endian with a byte order mark. */
  const utf16le = (text: string) => {
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    return bytes;
  };

  it("reads Excel's Unicode-Text (UTF-16LE with BOM, tab-separated) as the columns it names", () => {
    const text =
      'externe_id\torganisation\tname\tkategorie\r\nU-1\tStraßenzeit e. V.\tSprachcafé „Treff“\tsprache\r\n';
    const parsed = parseCsv(decodeCsvBytes(utf16le(text)));
    expect(parsed).toMatchObject({
      ok: true,
      delimiter: '\t',
      header: ['externe_id', 'organisation', 'name', 'kategorie'],
      rows: [
        {
          line: 2,
          cells: {
            externe_id: 'U-1',
            organisation: 'Straßenzeit e. V.',
            name: 'Sprachcafé „Treff“',
            kategorie: 'sprache',
          },
        },
      ],
    });
  });

  it('reads UTF-16 big-endian with its byte order mark', () => {
    const text = 'plz;ort\n23552;Lübeck\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xfe, 0xff]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) >> 8;
      bytes[3 + i * 2] = text.charCodeAt(i) & 0xff;
    }
    expect(parseCsv(decodeCsvBytes(bytes))).toMatchObject({ ok: true, rows: [{ cells: { ort: 'Lübeck' } }] });
  });

  it('reads UTF-8 with a byte order mark without a stray character in the first column name', () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('externe_id;ort\nA;Lübeck\n'),
    ]);
    expect(parseCsv(decodeCsvBytes(bytes))).toMatchObject({ ok: true, header: ['externe_id', 'ort'] });
  });
});
