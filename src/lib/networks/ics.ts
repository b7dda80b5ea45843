import { TZDate } from '@date-fns/tz';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

/**
 * The iCalendar attachment of a meeting invitation (RFC 5545, via ical-generator 10.x — 11.x needs Node 22).
 * One UID per meeting for good; SEQUENCE rises with every change; METHOD:REQUEST invites and updates,
 * METHOD:CANCEL cancels. Times are written as Europe/Berlin wall-clock time with the zone's VTIMEZONE, so a
 * meeting at 10:00 stays at 10:00 in every calendar across the clock changes.
 */

const ZONE = 'Europe/Berlin';

// The zone's rules since 1996 (EU summer time: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC).
// Written out instead of generated: it has not changed in thirty years, and it keeps a dependency away.
const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'X-LIC-LOCATION:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** What an invitation's calendar entry says. */
export interface MeetingEvent {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  title: string;
  description: string;
  location: string | null;
  url: string | null;
  startsAt: string;
  endsAt: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string } | null;
  /** DTSTAMP: when this version of the entry was made (the action's `ctx.now`). */
  stamp: Date;
}

/** The .ics text of one invitation, change or cancellation. */
export function meetingIcs(event: MeetingEvent): string {
  const calendar = ical({
    prodId: { company: 'JMD Partnernetz', product: 'Arbeitskreise', language: 'DE' },
    method: event.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    // No calendar-wide zone name: DTSTAMP stays in UTC as RFC 5545 demands; the event carries the zone.
    timezone: { name: null, generator: (zone) => (zone === ZONE ? BERLIN_VTIMEZONE : null) },
  });
  calendar.createEvent({
    id: event.uid,
    sequence: event.sequence,
    stamp: event.stamp,
    start: new TZDate(new Date(event.startsAt).getTime(), ZONE),
    end: new TZDate(new Date(event.endsAt).getTime(), ZONE),
    timezone: ZONE,
    summary: event.title,
    description: event.description,
    location: event.location,
    url: event.url,
    status: event.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: event.organizer,
    attendees: event.attendee ? [{ name: event.attendee.name, email: event.attendee.email, rsvp: true }] : [],
  });
  return calendar.toString();
}

/** The MIME type of an .ics attachment with its method (mail clients show "accept / decline" from it). */
export function icsContentType(method: 'REQUEST' | 'CANCEL'): string {
  return `text/calendar; charset=utf-8; method=${method}`;
}
