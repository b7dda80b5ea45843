/** job_lease: who runs a background job right now; an expired lease may be taken over. */
export interface JobLeaseTable {
  name: string;
  holder: string | null;
  expires_at: string;
  last_run_at: string | null;
  last_result: string | null;
}
