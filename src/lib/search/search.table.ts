import type { Generated } from 'kysely';

/** search_change: the service ids written since an index last caught up (see indexer.ts). */
export interface SearchChangeTable {
  seq: Generated<number>;
  service_id: string;
  changed_at: string;
}
