import type { Job } from '../jobs/jobs';
import { sendActionReminders } from './minutes.service';

/** Reminds responsible members of working-group action items on their due day and once when overdue. */
export const networkRemindersJob: Job = {
  name: 'network-reminders',
  async run(db, ctx) {
    const report = await sendActionReminders(db, ctx.config, ctx.now);
    return `${report.due} fällige, ${report.overdue} überfällige Aufgaben erinnert`;
  },
};
