import type { SearchEngine, SearchQuery } from './search';

/**
 * A search of several words that found nothing, and no "Meinten Sie …?" either, is most often one word too many:
 * a district the offer is not in ("Schuldnerberatung Moisling"), a word no entry uses. Rather than a dead end, the
 * page offers the query without each word that stands in the way ("Ohne „Moisling“: 1 Angebot für „Schuldnerberatung“").
 */
export interface RelaxedQuery {
  /** The query without `dropped`, words as the user typed them. */
  q: string;
  /** The word left out, as typed. */
  dropped: string;
  /** How many offers the shorter query finds with the same filters (a lower bound when counting was capped). */
  total: number;
}

/** Longer queries are not taken apart: a query of seven words is a sentence, not a word too many. */
export const RELAX_MAX_WORDS = 6;

/**
 * Tries the query once without each of its words, with the same filters, and returns every shorter query that finds
 * something — the ones that keep the earlier words first (people type the main word first: "Schuldnerberatung
 * Moisling" offers "Schuldnerberatung" before "Moisling", though the district alone finds more). Only for a query that
 * found nothing; at most `RELAX_MAX_WORDS` searches of one hit each, none of them counted as demand.
 */
export async function relaxQuery(
  engine: Pick<SearchEngine, 'search'>,
  query: SearchQuery,
): Promise<RelaxedQuery[]> {
  const words = query.q.trim().split(/\s+/u).filter(Boolean);
  if (words.length < 2 || words.length > RELAX_MAX_WORDS) return [];
  const found: RelaxedQuery[] = [];
  for (let i = words.length - 1; i >= 0; i--) {
    const q = words.filter((_, j) => j !== i).join(' ');
    // Without facets: not a search someone started, so the demand report does not count it (isCountedSearch).
    const { total } = await engine.search({ ...query, q, page: 1, perPage: 1, facets: false });
    if (total > 0) found.push({ q, dropped: words[i]!, total });
  }
  return found;
}
