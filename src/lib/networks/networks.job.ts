import type { Job } from '../jobs/jobs';
import { sendMeetingReminders } from './meeting.service';
import { sendActionReminders } from './minutes.service';

/**
 * Working-group reminders: action items on their due day and once when overdue, and each invited member once
 * MEETING_REMINDER_DAYS before a meeting. Time from the run's `ctx.now`.
 */
export const networkRemindersJob: Job = {
  name: 'network-reminders',
  async run(db, ctx) {
    const report = await sendActionReminders(db, ctx.config, ctx.now);
    const meetings = await sendMeetingReminders(db, ctx);
    return `${report.due} fällige, ${report.overdue} überfällige Aufgaben erinnert; ${meetings.sent} Erinnerungen an Treffen`;
  },
};
