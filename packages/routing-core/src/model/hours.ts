/** One opening window of a local day, "HH:MM" to "HH:MM" (24-hour). "24:00" closes at midnight; a close earlier than the open runs past midnight into the next day (the window belongs to the day it opens). */
export interface OpeningWindow { readonly open: string; readonly close: string }
/** The windows of one weekday: isoWeekday 1 = Monday … 7 = Sunday. A weekday without an entry is closed. */
export interface WeeklyHours { readonly isoWeekday: number; readonly windows: readonly OpeningWindow[] }
/** A local date (YYYY-MM-DD) whose own windows replace the weekday's; no windows = closed all day. */
export interface HolidayHours { readonly date: string; readonly name?: string; readonly windows: readonly OpeningWindow[] }
/** A queue's opening hours in an IANA time zone (e.g. "Asia/Shanghai"). */
export interface BusinessHours { readonly timeZone: string; readonly weekly: readonly WeeklyHours[]; readonly holidays: readonly HolidayHours[] }
/** Whether a queue's hours have it open at an instant, and when that next changes. */
export interface HoursStatus {
  readonly open: boolean;
  /** What decided it: the weekly schedule, or a holiday's own hours. */
  readonly reason: 'SCHEDULE' | 'HOLIDAY';
  /** The holiday's name (or date) when reason is HOLIDAY. */
  readonly holiday?: string;
  /** The next instant (epoch ms, > atMs) at which `open` flips; undefined when it never does within the search horizon (e.g. no windows at all). */
  readonly nextChangeMs: number | undefined;
}
