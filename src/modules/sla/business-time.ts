import { DateTime } from 'luxon';

/** Weekly opening hours in a time zone, with holidays. No calendar at all means 24×7. */
export interface Calendar {
  timezone: string;
  /** dayOfWeek 1 = Monday … 7 = Sunday; start/end "HH:MM" in the calendar's zone, end after start. */
  hours: { dayOfWeek: number; start: string; end: string }[];
  /** "YYYY-MM-DD" dates (in the calendar's zone) when nothing counts. */
  holidays: string[];
}

const MAX_DAYS = 3660;

function minutes(hhmm: string): [number, number] {
  const [hour, minute] = hhmm.split(':').map(Number);
  return [hour, minute];
}

/**
 * The calendar's open intervals on one local date, as instants. Built from the local wall-clock
 * times with Luxon, so a DST day has its real length (23 or 25 hours in Paris and New York).
 */
function openIntervals(calendar: Calendar, day: DateTime): [number, number][] {
  if (calendar.holidays.includes(day.toISODate()!)) return [];
  return calendar.hours
    .filter((slot) => slot.dayOfWeek === day.weekday)
    .map((slot) => {
      const [startHour, startMinute] = minutes(slot.start);
      const [endHour, endMinute] = minutes(slot.end);
      const start = day.set({ hour: startHour, minute: startMinute, second: 0, millisecond: 0 });
      // "24:00" closes at midnight: the start of the next day.
      const end = endHour === 24 ? day.plus({ days: 1 }).startOf('day') : day.set({ hour: endHour, minute: endMinute, second: 0, millisecond: 0 });
      return [start.toMillis(), end.toMillis()] as [number, number];
    })
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
}

function hasOpenHours(calendar: Calendar): boolean {
  return calendar.hours.some((slot) => slot.end > slot.start);
}

/** Business milliseconds between two instants (0 when `to` is not after `from`). */
export function businessMillisBetween(calendar: Calendar | null, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (!calendar) return to.getTime() - from.getTime();
  let total = 0;
  let day = DateTime.fromJSDate(from, { zone: calendar.timezone }).startOf('day');
  const last = DateTime.fromJSDate(to, { zone: calendar.timezone }).startOf('day');
  for (let guard = 0; day <= last && guard < MAX_DAYS; guard += 1, day = day.plus({ days: 1 })) {
    for (const [start, end] of openIntervals(calendar, day)) {
      const overlap = Math.min(end, to.getTime()) - Math.max(start, from.getTime());
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/**
 * The instant at which `millis` of business time have passed since `from`. With zero to add it
 * is `from` itself. Null when the calendar has no open hours at all (the clock never runs out).
 */
export function addBusinessMillis(calendar: Calendar | null, from: Date, millis: number): Date | null {
  if (millis <= 0) return from;
  if (!calendar) return new Date(from.getTime() + millis);
  if (!hasOpenHours(calendar)) return null;
  let left = millis;
  let day = DateTime.fromJSDate(from, { zone: calendar.timezone }).startOf('day');
  for (let guard = 0; guard < MAX_DAYS; guard += 1, day = day.plus({ days: 1 })) {
    for (const [start, end] of openIntervals(calendar, day)) {
      const begin = Math.max(start, from.getTime());
      if (end <= begin) continue;
      if (end - begin >= left) return new Date(begin + left);
      left -= end - begin;
    }
  }
  return null;
}

/** Whether an instant falls inside the calendar's open hours. */
export function isOpen(calendar: Calendar | null, at: Date): boolean {
  if (!calendar) return true;
  const day = DateTime.fromJSDate(at, { zone: calendar.timezone }).startOf('day');
  return openIntervals(calendar, day).some(([start, end]) => at.getTime() >= start && at.getTime() < end);
}
