/**
 * Reads the public GeoNames postal-code format (https://download.geonames.org/export/zip/, e.g. DE.zip → DE.txt):
 * tab-separated, no header; columns: country code, postal code, place name, admin name 1–3 with codes,
 * latitude, longitude, accuracy. A postcode with several places gets the mean of their coordinates.
 */
export interface GeonamesResult {
  centroids: { postcode: string; place: string; latitude: number; longitude: number }[];
  /** Lines that could not be read, with their line number and a German reason. */
  problems: { line: number; reason: string }[];
}

/** Parses GeoNames postal-code lines of one country (default DE) into one centroid per postcode. */
export function parseGeonamesPostcodes(text: string, country = 'DE'): GeonamesResult {
  const groups = new Map<string, { place: string; lat: number; lon: number; n: number }>();
  const problems: GeonamesResult['problems'] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const cells = line.split('\t');
    if (cells.length < 11) {
      problems.push({
        line: index + 1,
        reason: `Zu wenige Spalten (${cells.length} statt 12); ist die Datei tabulatorgetrennt?`,
      });
      return;
    }
    if (cells[0] !== country) return;
    const postcode = cells[1]!.trim();
    const lat = Number(cells[9]);
    const lon = Number(cells[10]);
    if (!/^\d{5}$/.test(postcode)) {
      problems.push({ line: index + 1, reason: `Die Postleitzahl „${postcode}“ hat nicht 5 Ziffern.` });
      return;
    }
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      problems.push({ line: index + 1, reason: `Ungültige Koordinaten „${cells[9]}“, „${cells[10]}“.` });
      return;
    }
    const group = groups.get(postcode) ?? { place: cells[2]!.trim(), lat: 0, lon: 0, n: 0 };
    group.lat += lat;
    group.lon += lon;
    group.n += 1;
    groups.set(postcode, group);
  });
  return {
    centroids: [...groups].map(([postcode, g]) => ({
      postcode,
      place: g.place,
      latitude: Number((g.lat / g.n).toFixed(5)),
      longitude: Number((g.lon / g.n).toFixed(5)),
    })),
    problems,
  };
}
