import type { Job } from '../jobs/jobs';
import { retentionSummary, runRetention } from './retention.service';

/** Removes what is past its retention date (docs/datenschutz.md); `npm run retention -- --dry-run` shows it first. */
export const retentionJob: Job = {
  name: 'retention',
  async run(db, ctx) {
    return retentionSummary(await runRetention(db, ctx, { dryRun: false }));
  },
};
