import type { Job } from '../jobs/jobs';
import { sendOutcomeFollowups } from './referral-followup.service';

/** Asks partners for the outcome of referrals without news (then reminds once); see sendOutcomeFollowups. */
export const outcomeFollowupJob: Job = {
  name: 'outcome-followup',
  async run(db, ctx) {
    const report = await sendOutcomeFollowups(db, ctx);
    return `${report.asked} Ergebnis-Anfragen, ${report.reminded} Erinnerungen`;
  },
};
