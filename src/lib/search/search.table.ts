import type { Generated } from 'kysely';

/** search_change: the service ids written since an index last caught up (see indexer.ts). */
export interface SearchChangeTable {
  seq: Generated<number>;
  service_id: string;
  changed_at: string;
}

/** search_term_group: a coordinator's own term group of the search vocabulary (decision 0026). */
export interface SearchTermGroupTable {
  id: string;
  /** 'synonym' (equal words, both ways) or 'related' (the terms also find the related words, one way). */
  kind: string;
  /** JSON array of the typed words or phrases. */
  terms: string;
  /** JSON array of what the terms also find ('[]' for synonyms). */
  related: string;
  version: Generated<number>;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** search_term_builtin_off: a built-in term group a coordinator switched off, by its key. */
export interface SearchTermBuiltinOffTable {
  builtin_key: string;
  switched_off_by: string | null;
  switched_off_at: string;
}

/** search_vocabulary_state: one row; its generation rises with every change of the vocabulary. */
export interface SearchVocabularyStateTable {
  id: number;
  generation: number;
}
