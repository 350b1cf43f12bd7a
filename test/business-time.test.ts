import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addBusinessMillis, businessMillisBetween, isOpen, type Calendar } from '../src/modules/sla/business-time';

const HOUR = 3_600_000;
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, start, end }));
const PARIS_OFFICE: Calendar = {
  timezone: 'Europe/Paris',
  hours: [...weekdays('09:00', '12:30'), ...weekdays('13:30', '18:00')],
  holidays: ['2026-05-01', '2026-12-25'],
};
const NEW_YORK_DESK: Calendar = { timezone: 'America/New_York', hours: [...weekdays('08:00', '20:00'), { dayOfWeek: 6, start: '10:00', end: '14:00' }], holidays: ['2026-07-03'] };
const allDay = (timezone: string): Calendar => ({ timezone, hours: [1, 2, 3, 4, 5, 6, 7].map((dayOfWeek) => ({ dayOfWeek, start: '00:00', end: '24:00' })), holidays: [] });

const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms));
const amount = fc.integer({ min: 1, max: 200 * HOUR });
const calendar = fc.constantFrom<Calendar | null>(PARIS_OFFICE, NEW_YORK_DESK, allDay('Europe/Paris'), null);

describe('business time', () => {
  it('measures back exactly what it added', () => {
    fc.assert(
      fc.property(calendar, instant, amount, (cal, from, millis) => {
        const due = addBusinessMillis(cal, from, millis)!;
        expect(businessMillisBetween(cal, from, due)).toBe(millis);
      }),
      { numRuns: 500 },
    );
  });

  it('lands inside business hours (or at the very end of an open interval)', () => {
    fc.assert(
      fc.property(fc.constantFrom(PARIS_OFFICE, NEW_YORK_DESK), instant, amount, (cal, from, millis) => {
        const due = addBusinessMillis(cal, from, millis)!;
        expect(isOpen(cal, due) || isOpen(cal, new Date(due.getTime() - 1))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('is additive: adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(calendar, instant, amount, amount, (cal, from, a, b) => {
        const stepwise = addBusinessMillis(cal, addBusinessMillis(cal, from, a)!, b)!;
        expect(stepwise.getTime()).toBe(addBusinessMillis(cal, from, a + b)!.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['Europe/Paris', '2026-03-29', 23],
    ['Europe/Paris', '2026-10-25', 25],
    ['America/New_York', '2026-03-08', 23],
    ['America/New_York', '2026-11-01', 25],
    ['Europe/Paris', '2026-06-15', 24],
  ])('gives %s on %s a day of %i hours', (zone, date, hours) => {
    const start = DateTime.fromISO(date, { zone }).startOf('day');
    const millis = businessMillisBetween(allDay(zone), start.toJSDate(), start.plus({ days: 1 }).toJSDate());
    expect(millis / HOUR).toBe(hours);
  });

  it('skips nights, weekends, lunch and holidays', () => {
    // Friday 17:00 Paris + 2 business hours: 1 h on Friday, then Monday 09:00 + 1 h.
    const friday = DateTime.fromISO('2026-03-27T17:00', { zone: 'Europe/Paris' }).toJSDate();
    expect(DateTime.fromJSDate(addBusinessMillis(PARIS_OFFICE, friday, 2 * HOUR)!, { zone: 'Europe/Paris' }).toISO()).toBe('2026-03-30T10:00:00.000+02:00');
    // 12:00 + 1 h crosses lunch.
    const noon = DateTime.fromISO('2026-06-10T12:00', { zone: 'Europe/Paris' }).toJSDate();
    expect(DateTime.fromJSDate(addBusinessMillis(PARIS_OFFICE, noon, HOUR)!, { zone: 'Europe/Paris' }).toFormat('HH:mm')).toBe('14:00');
    // 30 April 17:00 + 2 h: 1 May is a holiday, then the weekend.
    const mayDay = DateTime.fromISO('2026-04-30T17:00', { zone: 'Europe/Paris' }).toJSDate();
    expect(DateTime.fromJSDate(addBusinessMillis(PARIS_OFFICE, mayDay, 2 * HOUR)!, { zone: 'Europe/Paris' }).toISODate()).toBe('2026-05-04');
  });

  it('never runs out on a calendar without open hours', () => {
    expect(addBusinessMillis({ timezone: 'UTC', hours: [], holidays: [] }, new Date(), HOUR)).toBeNull();
  });
});
