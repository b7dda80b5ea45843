import type { Job } from '../jobs/jobs';
import { runConfirmationRequests } from './upkeep-request.service';

/** Confirmation requests to partner organisations: new requests, reminders, the coordinator's list. */
export const confirmationRequestsJob: Job = {
  name: 'confirmation-requests',
  async run(db, ctx) {
    const report = await runConfirmationRequests(db, ctx);
    return `${report.sent} Anfragen, ${report.reminded} Erinnerungen, ${report.escalated} an die Koordination`;
  },
};
