// Per-queue business hours and holidays, evaluated at an instant the caller passes in (epoch ms).
//
// Rules:
// - A window belongs to the local day it opens. A holiday replaces the windows that OPEN on its
//   date, nothing else: a window that runs past midnight (close < open) into a holiday stays open
//   until its close, because it opened on an ordinary day. Likewise a holiday's own overnight
//   window runs into the next (ordinary) day.
// - Local wall times become instants through luxon's IANA zone data (no offsets written here).
//   A time that does not exist (the spring-forward gap) means the first instant after the gap;
//   an ambiguous one (fall back) means the earlier of its two instants. We resolve these ourselves
//   from IANAZone#offset instead of DateTime.fromObject, whose choice for an ambiguous time depends
//   on the offset in force at the machine's current time (it guesses from Settings.now()).
import { IANAZone } from 'luxon';
import type { BusinessHours, HolidayHours, HoursStatus, OpeningWindow, WeeklyHours } from '../model/hours.js';

/** At most this many holidays, and windows on one day, so a config (and its evaluation) stays bounded. */
export const MAX_HOLIDAYS = 400;
export const MAX_WINDOWS_PER_DAY = 8;
/** How far ahead nextChangeMs is searched: over a year, so yearly holidays are seen. */
const HORIZON_DAYS = 400;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;

/** A window as minutes after the local midnight of its opening day; close > open (may pass 1440). */
interface Minutes { readonly open: number; readonly close: number }
/** One opening as instants, and the holiday (label) whose hours it comes from, if any. */
interface Span { readonly startMs: number; readonly endMs: number; readonly holiday: string | undefined }
interface DayHours { readonly windows: readonly Minutes[]; readonly holiday: string | undefined }
interface Compiled {
  readonly zone: IANAZone;
  readonly weekly: ReadonlyMap<number, readonly Minutes[]>;
  readonly holidays: ReadonlyMap<number, { readonly label: string; readonly windows: readonly Minutes[] }>;
}

// ---------------------------------------------------------------- status

/**
 * Whether `hours` have the queue open at `atMs`, why, and the next instant that changes (within
 * 400 days). Throws RangeError on hours it cannot read (unknown zone, bad HH:MM or date); check
 * configs with {@link hoursProblems} first. Overlapping windows are tolerated (they merge).
 */
export function hoursStatus(hours: BusinessHours, atMs: number): HoursStatus {
  const c = compile(hours);
  const today = localDay(c.zone, atMs);
  const lastDay = today + HORIZON_DAYS;
  // Spans come in start order; the run of touching/overlapping ones around atMs decides.
  let run: { first: Span; endMs: number } | undefined;
  for (const span of spansFrom(c, today - 1, lastDay)) {
    if (run) {
      if (span.startMs > run.endMs) return openStatus(run.first, run.endMs);
      run.endMs = Math.max(run.endMs, span.endMs);
    } else if (span.startMs > atMs) {
      return closedStatus(c, today, span.startMs);
    } else if (span.endMs > atMs) {
      run = { first: span, endMs: span.endMs };
    }
  }
  if (!run) return closedStatus(c, today, undefined);
  // A run reaching the horizon's next midnight might go on past it: unknown, so no change is promised.
  return openStatus(run.first, run.endMs < instantOf(c.zone, lastDay + 1, 0) ? run.endMs : undefined);
}

function openStatus(span: Span, nextChangeMs: number | undefined): HoursStatus {
  return span.holiday === undefined
    ? { open: true, reason: 'SCHEDULE', nextChangeMs }
    : { open: true, reason: 'HOLIDAY', holiday: span.holiday, nextChangeMs };
}

/** Closed: a holiday today decided it (its hours replaced the weekday's), else the schedule did. */
function closedStatus(c: Compiled, today: number, nextChangeMs: number | undefined): HoursStatus {
  const holiday = c.holidays.get(today);
  return holiday
    ? { open: false, reason: 'HOLIDAY', holiday: holiday.label, nextChangeMs }
    : { open: false, reason: 'SCHEDULE', nextChangeMs };
}

/** Every span opening on the local days first..last, in start order (days walked, not minutes). */
function* spansFrom(c: Compiled, first: number, last: number): Generator<Span> {
  for (let day = first; day <= last; day++) {
    const { windows, holiday } = hoursOn(c, day);
    for (const w of windows) {
      const startMs = instantOf(c.zone, day, w.open);
      const endMs = instantOf(c.zone, day, w.close);
      if (endMs > startMs) yield { startMs, endMs, holiday }; // a window inside a DST gap is empty
    }
  }
}

function hoursOn(c: Compiled, day: number): DayHours {
  const holiday = c.holidays.get(day);
  if (holiday) return { windows: holiday.windows, holiday: holiday.label };
  return { windows: c.weekly.get(isoWeekday(day)) ?? [], holiday: undefined };
}

// ---------------------------------------------------------------- time zones (luxon)

/** The local calendar day (days since 1970-01-01) in `zone` at instant `ms`. */
function localDay(zone: IANAZone, ms: number): number {
  return Math.floor(wallAt(zone, ms) / DAY_MS);
}

/** The local wall time at `ms`, as epoch ms of the same wall time read as UTC. */
function wallAt(zone: IANAZone, ms: number): number {
  return ms + zone.offset(ms) * MINUTE_MS;
}

/**
 * The instant at which local `day` + `minutes` happens in `zone`. Candidates come from the offsets
 * a day either side (so one transition is always bracketed); a wall time two of them give (fall back)
 * takes the earlier instant; one none gives (spring forward) takes the end of the gap.
 */
function instantOf(zone: IANAZone, day: number, minutes: number): number {
  const wall = day * DAY_MS + minutes * MINUTE_MS;
  const guesses = [wall - DAY_MS, wall, wall + DAY_MS].map((ms) => wall - zone.offset(ms) * MINUTE_MS);
  const exact = guesses.filter((ms) => wallAt(zone, ms) === wall);
  if (exact.length > 0) return Math.min(...exact);
  return gapEnd(zone, wall, Math.min(...guesses), Math.max(...guesses));
}

/** First instant whose wall time is past `wall`, which lies in a gap: wallAt(lo) < wall < wallAt(hi). */
function gapEnd(zone: IANAZone, wall: number, lo: number, hi: number): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(zone, mid) > wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---------------------------------------------------------------- reading the config

function compile(hours: BusinessHours): Compiled {
  if (!IANAZone.isValidZone(hours.timeZone)) throw new RangeError(`unknown time zone "${hours.timeZone}"`);
  const weekly = new Map<number, readonly Minutes[]>();
  // A duplicate (reported by hoursProblems) does not replace the first entry.
  for (const w of hours.weekly) if (!weekly.has(w.isoWeekday)) weekly.set(w.isoWeekday, readWindows(w.windows));
  const holidays = new Map<number, { label: string; windows: readonly Minutes[] }>();
  for (const h of hours.holidays) {
    const day = dayOfDate(h.date);
    if (day === undefined) throw new RangeError(`holiday date "${h.date}" is not YYYY-MM-DD`);
    if (!holidays.has(day)) holidays.set(day, { label: h.name || h.date, windows: readWindows(h.windows) });
  }
  return { zone: IANAZone.create(hours.timeZone), weekly, holidays };
}

/** Windows as minutes, sorted by open; open == close (reported by hoursProblems) opens nothing. */
function readWindows(windows: readonly OpeningWindow[]): Minutes[] {
  return windows
    .map((w) => {
      const m = toMinutes(w);
      if (!m) throw new RangeError(`window "${w.open}"–"${w.close}" is not HH:MM–HH:MM`);
      return m;
    })
    .filter((m) => m.close > m.open)
    .sort((a, b) => a.open - b.open);
}

/** A window in minutes; a close earlier than the open is on the next day. Undefined if unreadable. */
function toMinutes(w: OpeningWindow): Minutes | undefined {
  const open = clockMinutes(w.open, false);
  const close = clockMinutes(w.close, true);
  if (open === undefined || close === undefined) return undefined;
  return { open, close: close < open ? close + DAY_MINUTES : close };
}

/** "HH:MM" as minutes after midnight: 00:00–23:59, and "24:00" as a close. */
function clockMinutes(text: string, isClose: boolean): number | undefined {
  const m = /^(\d\d):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes < DAY_MINUTES || (isClose && minutes === DAY_MINUTES) ? minutes : undefined;
}

/** "YYYY-MM-DD" as days since 1970-01-01, if it is a real calendar date. */
function dayOfDate(date: string): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!m) return undefined;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  // Date.UTC rolls 2026-02-30 over into March (and years < 100 into the 1900s): only a real date round-trips.
  return isoDate(day) === date ? day : undefined;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
function isoWeekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7 + 1;
}

// ---------------------------------------------------------------- validation

/** Human-readable problems with a config; empty when hoursStatus can use it as meant. */
export function hoursProblems(hours: BusinessHours): string[] {
  const zone = IANAZone.isValidZone(hours.timeZone) ? [] : [`unknown time zone "${hours.timeZone}"`];
  return [...zone, ...weeklyProblems(hours.weekly), ...holidayProblems(hours.holidays)];
}

function weeklyProblems(weekly: readonly WeeklyHours[]): string[] {
  const seen = new Set<number>();
  return weekly.flatMap((w, i) => {
    const where = `weekly[${i}]`;
    const out: string[] = [];
    if (!Number.isInteger(w.isoWeekday) || w.isoWeekday < 1 || w.isoWeekday > 7) {
      out.push(`${where}: isoWeekday ${w.isoWeekday} is not 1 (Monday) … 7 (Sunday)`);
    } else if (seen.has(w.isoWeekday)) {
      out.push(`${where}: isoWeekday ${w.isoWeekday} appears more than once`);
    }
    seen.add(w.isoWeekday);
    return [...out, ...windowProblems(where, w.windows)];
  });
}

function holidayProblems(holidays: readonly HolidayHours[]): string[] {
  const out = holidays.length > MAX_HOLIDAYS ? [`${holidays.length} holidays: at most ${MAX_HOLIDAYS}`] : [];
  const seen = new Set<string>();
  holidays.forEach((h, i) => {
    const where = `holidays[${i}] (${h.date})`;
    if (dayOfDate(h.date) === undefined) out.push(`${where}: date "${h.date}" is not a real YYYY-MM-DD date`);
    else if (seen.has(h.date)) out.push(`${where}: date ${h.date} appears more than once`);
    seen.add(h.date);
    out.push(...windowProblems(where, h.windows));
  });
  return out;
}

/** Problems with one day's windows: unreadable times, empty windows, too many, overlaps. */
function windowProblems(where: string, windows: readonly OpeningWindow[]): string[] {
  const out = windows.length > MAX_WINDOWS_PER_DAY ? [`${where}: ${windows.length} windows, at most ${MAX_WINDOWS_PER_DAY}`] : [];
  const read: { label: string; m: Minutes }[] = [];
  windows.forEach((w, i) => {
    const label = `windows[${i}] ${w.open}–${w.close}`;
    if (clockMinutes(w.open, false) === undefined) out.push(`${where} ${label}: open "${w.open}" is not HH:MM (00:00–23:59)`);
    if (clockMinutes(w.close, true) === undefined) out.push(`${where} ${label}: close "${w.close}" is not HH:MM (00:00–24:00)`);
    const m = toMinutes(w);
    if (m && m.open === m.close) out.push(`${where} ${label}: open and close are the same time`);
    else if (m) read.push({ label, m });
  });
  // In open order, each window against the one reaching furthest so far (a long one can span several).
  read.sort((a, b) => a.m.open - b.m.open);
  let reach: { label: string; m: Minutes } | undefined;
  for (const next of read) {
    if (reach && next.m.open < reach.m.close) out.push(`${where}: ${reach.label} and ${next.label} overlap`);
    if (!reach || next.m.close > reach.m.close) reach = next;
  }
  return out;
}
