/** privacy_run: one run of the retention job (or its dry run) — what went, as counts only. */
export interface PrivacyRunTable {
  id: string;
  at: string;
  kind: string;
  dry_run: number;
  /** JSON object: what → how many rows. */
  counts: string;
}
