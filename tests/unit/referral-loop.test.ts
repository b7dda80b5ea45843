import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config/config';
import { offsetFileClock } from '../../src/lib/time/clock';
import { canCloseWithoutAnswer } from '../../src/lib/referrals/referral-followup.service';
import {
  answerMail,
  freshLinkMail,
  messageToCaseworkerMail,
  newReferralLinkMail,
  outcomeRequestMail,
  type SenderContact,
} from '../../src/lib/referrals/referral-mail';

const DAY = 86_400_000;
const SENDER: SenderContact = {
  caseworkerName: 'Clara Fachkraft',
  caseworkerEmail: 'clara@jmd.test',
  officeName: 'JMD Lübeck',
  officePhone: '0451 1234',
  officeEmail: 'jmd@luebeck.test',
  officeAddress: 'Breite Straße 1, 23552 Lübeck',
};

describe('the movable test clock', () => {
  it('is refused in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_CLOCK_FILE: '/tmp/x' })).toThrow(ConfigError);
    expect(loadConfig({ TEST_CLOCK_FILE: '/tmp/x' }).testClockFile).toBe('/tmp/x');
  });

  it('runs ahead by the milliseconds in its file, and not at all without a readable number', () => {
    let content: string | null = String(21 * DAY);
    const clock = offsetFileClock('/any', () => content);
    expect(clock.now().getTime() - Date.now()).toBeGreaterThan(21 * DAY - 60_000);
    content = 'kaputt';
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(60_000);
    content = null;
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(60_000);
  });
});

describe('closing a referral without answer', () => {
  const now = new Date('2027-02-01T09:00:00Z');
  const remindedDaysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

  it('is possible once the partner was asked, reminded and stayed silent for the reminder days', () => {
    const followup = { askedAt: remindedDaysAgo(14), remindedAt: remindedDaysAgo(7), waiting: true };
    expect(canCloseWithoutAnswer(followup, now, 7)).toBe(true);
  });

  it('is not possible before the reminder, too soon after it, or after an answer', () => {
    expect(canCloseWithoutAnswer(null, now, 7)).toBe(false);
    expect(
      canCloseWithoutAnswer({ askedAt: remindedDaysAgo(30), remindedAt: null, waiting: true }, now, 7),
    ).toBe(false);
    expect(
      canCloseWithoutAnswer(
        { askedAt: remindedDaysAgo(10), remindedAt: remindedDaysAgo(3), waiting: true },
        now,
        7,
      ),
    ).toBe(false);
    expect(
      canCloseWithoutAnswer(
        { askedAt: remindedDaysAgo(20), remindedAt: remindedDaysAgo(10), waiting: false },
        now,
        7,
      ),
    ).toBe(false);
  });
});

describe('mails of the loop', () => {
  it('to a partner: office and caseworker in the subject, Reply-To the caseworker, why the mail comes', () => {
    const mail = newReferralLinkMail(
      'info@lotsen.test',
      'https://p.test',
      'a'.repeat(32),
      '2026-12-08',
      SENDER,
    );
    expect(mail.subject).toBe(
      'Neue Vermittlung von JMD Lübeck (Clara Fachkraft) – bitte über den Link antworten',
    );
    expect(mail.replyTo).toBe('clara@jmd.test');
    expect(mail.text).toContain('Warum erhalten Sie diese E-Mail?');
    expect(mail.text).toContain('Telefon: 0451 1234');
    expect(mail.text).toContain('https://p.test/link/' + 'a'.repeat(32));
  });

  it('replies go to the office when the caseworker account is gone', () => {
    const mail = freshLinkMail('info@lotsen.test', 'https://p.test', 'b'.repeat(32), {
      ...SENDER,
      caseworkerEmail: null,
    });
    expect(mail.replyTo).toBe('jmd@luebeck.test');
  });

  it('the outcome question and its reminder say what to do, the reminder says it is one', () => {
    expect(outcomeRequestMail('x@y.test', 'https://p.test', null, false, SENDER).subject).toMatch(
      /^Wie ist es ausgegangen\?/,
    );
    expect(outcomeRequestMail('x@y.test', 'https://p.test', null, true, SENDER).subject).toMatch(
      /^Erinnerung: /,
    );
  });

  it('a message notice to the caseworker links the referral and has no Reply-To', () => {
    const mail = messageToCaseworkerMail('clara@jmd.test', 'https://p.test', 'r1');
    expect(mail.text).toContain('https://p.test/vermittlungen/r1');
    expect(mail.replyTo).toBeUndefined();
  });
});

describe("the caseworker's answer mail", () => {
  it('says what the partner did in words, not the status label, and carries no case data', () => {
    const mail = answerMail('clara@jmd.test', 'https://jmd.example', 'ref-1', 'completed');
    expect(mail.text).toContain('Die Einrichtung hat ein Ergebnis gemeldet');
    expect(mail.text).not.toContain('Neuer Stand');
    expect(answerMail('clara@jmd.test', 'https://jmd.example', 'ref-1', 'declined').text).toContain(
      'hat die Vermittlung abgelehnt',
    );
    expect(answerMail('clara@jmd.test', 'https://jmd.example', 'ref-1', null).text).toContain(
      'Termin vorgeschlagen',
    );
  });
});
