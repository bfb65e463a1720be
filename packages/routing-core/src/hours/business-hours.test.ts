import { describe, expect, it } from 'vitest';
import type { BusinessHours, HoursStatus, OpeningWindow } from '../model/hours.js';
import { MAX_HOLIDAYS, MAX_WINDOWS_PER_DAY, hoursProblems, hoursStatus } from './business-hours.js';

/** Instants are written with their offsets so a reader can check them against a calendar. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad ISO instant ${iso}`);
  return ms;
};
const w = (open: string, close: string): OpeningWindow => ({ open, close });
const weekdays = (windows: OpeningWindow[]) => [1, 2, 3, 4, 5].map((isoWeekday) => ({ isoWeekday, windows }));
const status = (hours: BusinessHours, iso: string): HoursStatus => hoursStatus(hours, at(iso));
const schedule = (open: boolean, next: string | undefined): HoursStatus =>
  ({ open, reason: 'SCHEDULE', nextChangeMs: next === undefined ? undefined : at(next) });
const holiday = (open: boolean, name: string, next: string | undefined): HoursStatus =>
  ({ open, reason: 'HOLIDAY', holiday: name, nextChangeMs: next === undefined ? undefined : at(next) });

/** Mon–Fri 09:00–18:00, Sat 10:00–16:00, plus a Friday-night hotline 22:00–02:00. */
const shanghai: BusinessHours = {
  timeZone: 'Asia/Shanghai',
  weekly: [
    ...[1, 2, 3, 4].map((isoWeekday) => ({ isoWeekday, windows: [w('09:00', '18:00')] })),
    { isoWeekday: 5, windows: [w('09:00', '18:00'), w('22:00', '02:00')] },
    { isoWeekday: 6, windows: [w('10:00', '16:00')] },
  ],
  holidays: [
    { date: '2026-02-16', name: '除夕', windows: [w('09:00', '12:00')] }, // Monday, reduced hours
    { date: '2026-10-01', name: '国庆节', windows: [] }, // Thursday, closed all day
    { date: '2026-10-03', name: '国庆节', windows: [] }, // Saturday, after an ordinary Friday night
  ],
};

describe('hoursStatus: Asia/Shanghai', () => {
  it('is valid', () => {
    expect(hoursProblems(shanghai)).toEqual([]);
  });

  it('opens and closes on a weekday', () => {
    expect(status(shanghai, '2026-09-25T08:59:59.999+08:00')).toEqual(schedule(false, '2026-09-25T09:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-25T09:00:00.000+08:00')).toEqual(schedule(true, '2026-09-25T18:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-25T17:59:59.999+08:00')).toEqual(schedule(true, '2026-09-25T18:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-25T18:00:00.000+08:00')).toEqual(schedule(false, '2026-09-25T22:00:00.000+08:00'));
  });

  it('keeps the Friday hotline open across midnight into Saturday', () => {
    expect(status(shanghai, '2026-09-25T23:59:59.999+08:00')).toEqual(schedule(true, '2026-09-26T02:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-26T00:00:00.000+08:00')).toEqual(schedule(true, '2026-09-26T02:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-26T01:59:59.999+08:00')).toEqual(schedule(true, '2026-09-26T02:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-26T02:00:00.000+08:00')).toEqual(schedule(false, '2026-09-26T10:00:00.000+08:00'));
  });

  it('has no overnight window after a Thursday', () => {
    expect(status(shanghai, '2026-09-24T23:59:59.999+08:00')).toEqual(schedule(false, '2026-09-25T09:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-25T00:00:00.000+08:00')).toEqual(schedule(false, '2026-09-25T09:00:00.000+08:00'));
  });

  it('opens on Saturday, stays closed Sunday', () => {
    expect(status(shanghai, '2026-09-26T12:00:00.000+08:00')).toEqual(schedule(true, '2026-09-26T16:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-26T16:00:00.000+08:00')).toEqual(schedule(false, '2026-09-28T09:00:00.000+08:00'));
    expect(status(shanghai, '2026-09-27T12:00:00.000+08:00')).toEqual(schedule(false, '2026-09-28T09:00:00.000+08:00'));
  });

  it('is closed all day on 国庆节, and nextChangeMs skips it', () => {
    expect(status(shanghai, '2026-09-30T18:00:00.000+08:00')).toEqual(schedule(false, '2026-10-02T09:00:00.000+08:00'));
    expect(status(shanghai, '2026-10-01T00:00:00.000+08:00')).toEqual(holiday(false, '国庆节', '2026-10-02T09:00:00.000+08:00'));
    expect(status(shanghai, '2026-10-01T12:00:00.000+08:00')).toEqual(holiday(false, '国庆节', '2026-10-02T09:00:00.000+08:00'));
  });

  it('keeps a Friday-night window open into a closed holiday (it opened on an ordinary day)', () => {
    expect(status(shanghai, '2026-10-03T01:00:00.000+08:00')).toEqual(schedule(true, '2026-10-03T02:00:00.000+08:00'));
    expect(status(shanghai, '2026-10-03T02:00:00.000+08:00')).toEqual(holiday(false, '国庆节', '2026-10-05T09:00:00.000+08:00'));
  });

  it('has reduced hours on 除夕', () => {
    expect(status(shanghai, '2026-02-16T08:59:59.999+08:00')).toEqual(holiday(false, '除夕', '2026-02-16T09:00:00.000+08:00'));
    expect(status(shanghai, '2026-02-16T10:00:00.000+08:00')).toEqual(holiday(true, '除夕', '2026-02-16T12:00:00.000+08:00'));
    expect(status(shanghai, '2026-02-16T12:00:00.000+08:00')).toEqual(holiday(false, '除夕', '2026-02-17T09:00:00.000+08:00'));
  });

  it('replaces a Friday night too when the Friday is a holiday; a holiday without a name is named by its date', () => {
    const h: BusinessHours = { ...shanghai, holidays: [{ date: '2026-10-02', windows: [w('10:00', '14:00')] }] };
    expect(status(h, '2026-10-02T13:00:00.000+08:00')).toEqual(holiday(true, '2026-10-02', '2026-10-02T14:00:00.000+08:00'));
    expect(status(h, '2026-10-02T23:00:00.000+08:00')).toEqual(holiday(false, '2026-10-02', '2026-10-03T10:00:00.000+08:00'));
  });

  it("runs a holiday's own overnight window into the next day, still as the holiday's", () => {
    const h: BusinessHours = { ...shanghai, holidays: [{ date: '2026-12-31', name: '跨年', windows: [w('20:00', '01:00')] }] };
    expect(status(h, '2027-01-01T00:30:00.000+08:00')).toEqual(holiday(true, '跨年', '2027-01-01T01:00:00.000+08:00'));
    expect(status(h, '2027-01-01T01:00:00.000+08:00')).toEqual(schedule(false, '2027-01-01T09:00:00.000+08:00'));
  });
});

describe('hoursStatus: Europe/Berlin across the 2026 DST changes', () => {
  const sundays = (windows: OpeningWindow[]): BusinessHours =>
    ({ timeZone: 'Europe/Berlin', weekly: [{ isoWeekday: 7, windows }], holidays: [] });

  it('crosses a weekend with a change of offset (+01:00 → +02:00, then back)', () => {
    const office: BusinessHours = { timeZone: 'Europe/Berlin', weekly: weekdays([w('09:00', '17:00')]), holidays: [] };
    expect(status(office, '2026-03-27T17:00:00.000+01:00')).toEqual(schedule(false, '2026-03-30T09:00:00.000+02:00'));
    expect(status(office, '2026-10-23T17:00:00.000+02:00')).toEqual(schedule(false, '2026-10-26T09:00:00.000+01:00'));
  });

  it('opens a 02:30 window on 29 March at 03:00 CEST, the first instant after the gap', () => {
    const night = sundays([w('02:30', '05:00')]);
    expect(status(night, '2026-03-29T01:59:59.999+01:00')).toEqual(schedule(false, '2026-03-29T03:00:00.000+02:00'));
    expect(status(night, '2026-03-29T03:00:00.000+02:00')).toEqual(schedule(true, '2026-03-29T05:00:00.000+02:00'));
  });

  it('opens a 02:30 window on 25 October at the first (CEST) 02:30', () => {
    const night = sundays([w('02:30', '05:00')]);
    expect(status(night, '2026-10-25T00:00:00.000+02:00')).toEqual(schedule(false, '2026-10-25T02:30:00.000+02:00'));
    expect(status(night, '2026-10-25T02:30:00.000+01:00')).toEqual(schedule(true, '2026-10-25T05:00:00.000+01:00'));
  });

  it('closes a window ending at 02:30 on 29 March when the gap ends', () => {
    const late = sundays([w('00:00', '02:30')]);
    expect(status(late, '2026-03-29T01:59:59.999+01:00')).toEqual(schedule(true, '2026-03-29T03:00:00.000+02:00'));
  });

  it('opens nothing for a window wholly inside the gap', () => {
    const gap = sundays([w('02:00', '02:30')]);
    expect(status(gap, '2026-03-29T00:00:00.000+01:00')).toEqual(schedule(false, '2026-04-05T02:00:00.000+02:00'));
  });

  it('is an hour shorter on the spring day and an hour longer on the autumn day', () => {
    const early = sundays([w('01:00', '06:00')]);
    const length = (openIso: string): number => (status(early, openIso).nextChangeMs ?? NaN) - at(openIso);
    const hour = 3_600_000;
    expect(length('2026-03-22T01:00:00.000+01:00')).toBe(5 * hour);
    expect(status(early, '2026-03-29T01:00:00.000+01:00')).toEqual(schedule(true, '2026-03-29T06:00:00.000+02:00'));
    expect(length('2026-03-29T01:00:00.000+01:00')).toBe(4 * hour);
    expect(status(early, '2026-10-25T01:00:00.000+02:00')).toEqual(schedule(true, '2026-10-25T06:00:00.000+01:00'));
    expect(length('2026-10-25T01:00:00.000+02:00')).toBe(6 * hour);
  });
});

describe('hoursStatus: edges', () => {
  it('never changes when always open or never open', () => {
    const always: BusinessHours = {
      timeZone: 'Europe/Berlin', holidays: [],
      weekly: [1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => ({ isoWeekday, windows: [w('00:00', '24:00')] })),
    };
    expect(status(always, '2026-03-29T02:00:00.000+00:00')).toEqual(schedule(true, undefined));
    const never: BusinessHours = { timeZone: 'Asia/Shanghai', weekly: [], holidays: [] };
    expect(status(never, '2026-01-01T00:00:00.000+08:00')).toEqual(schedule(false, undefined));
  });

  it('searches 400 days ahead', () => {
    const once = (date: string): BusinessHours =>
      ({ timeZone: 'Asia/Shanghai', weekly: [], holidays: [{ date, name: 'once', windows: [w('09:00', '10:00')] }] });
    expect(status(once('2027-01-31'), '2026-01-01T00:00:00.000+08:00').nextChangeMs).toBe(at('2027-01-31T09:00:00.000+08:00'));
    expect(status(once('2027-06-01'), '2026-01-01T00:00:00.000+08:00').nextChangeMs).toBeUndefined();
  });

  it('merges windows that touch or overlap (no flip between them)', () => {
    const h: BusinessHours = { timeZone: 'Asia/Shanghai', holidays: [], weekly: [
      { isoWeekday: 1, windows: [w('09:00', '12:00'), w('12:00', '18:00')] },
      { isoWeekday: 2, windows: [w('20:00', '24:00')] },
      { isoWeekday: 3, windows: [w('00:00', '08:00')] },
    ] };
    expect(status(h, '2026-09-28T10:00:00.000+08:00')).toEqual(schedule(true, '2026-09-28T18:00:00.000+08:00'));
    expect(status(h, '2026-09-29T21:00:00.000+08:00')).toEqual(schedule(true, '2026-09-30T08:00:00.000+08:00'));
  });

  it('throws RangeError on hours it cannot read', () => {
    expect(() => hoursStatus({ ...shanghai, timeZone: 'Mars/Olympus' }, 0)).toThrow(RangeError);
    expect(() => hoursStatus({ ...shanghai, weekly: [{ isoWeekday: 1, windows: [w('25:00', '26:00')] }] }, 0)).toThrow(RangeError);
  });
});

describe('hoursProblems', () => {
  const base: BusinessHours = { timeZone: 'Asia/Shanghai', weekly: [], holidays: [] };
  const one = (hours: Partial<BusinessHours>): string[] => hoursProblems({ ...base, ...hours });

  it('names an unknown time zone', () => {
    expect(one({ timeZone: 'Mars/Olympus' })).toEqual(['unknown time zone "Mars/Olympus"']);
  });

  it('rejects times that are not HH:MM', () => {
    const problems = one({ weekly: [{ isoWeekday: 1, windows: [w('25:00', '18:00'), w('9:00', '18:00'), w('24:00', '10:00')] }] });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('open "25:00" is not HH:MM');
    expect(problems[1]).toContain('open "9:00" is not HH:MM');
    expect(problems[2]).toContain('open "24:00" is not HH:MM');
    expect(one({ weekly: [{ isoWeekday: 1, windows: [w('09:00', '24:01')] }] })[0]).toContain('close "24:01" is not HH:MM');
    expect(one({ weekly: [{ isoWeekday: 1, windows: [w('00:00', '24:00')] }] })).toEqual([]);
  });

  it('finds overlapping windows on one day, including a long one spanning two', () => {
    expect(one({ weekly: [{ isoWeekday: 2, windows: [w('09:00', '12:00'), w('11:00', '14:00')] }] }))
      .toEqual(['weekly[0]: windows[0] 09:00–12:00 and windows[1] 11:00–14:00 overlap']);
    expect(one({ weekly: [{ isoWeekday: 2, windows: [w('09:00', '18:00'), w('10:00', '11:00'), w('12:00', '13:00')] }] })).toHaveLength(2);
    expect(one({ weekly: [{ isoWeekday: 2, windows: [w('22:00', '02:00'), w('23:00', '23:30')] }] })).toHaveLength(1);
    expect(one({ weekly: [{ isoWeekday: 2, windows: [w('09:00', '12:00'), w('12:00', '14:00')] }] })).toEqual([]);
  });

  it('rejects bad and duplicate weekdays, open == close, too many windows', () => {
    expect(one({ weekly: [{ isoWeekday: 0, windows: [] }, { isoWeekday: 8, windows: [] }, { isoWeekday: 1.5, windows: [] }] })).toHaveLength(3);
    expect(one({ weekly: [{ isoWeekday: 3, windows: [] }, { isoWeekday: 3, windows: [] }] }))
      .toEqual(['weekly[1]: isoWeekday 3 appears more than once']);
    expect(one({ weekly: [{ isoWeekday: 3, windows: [w('09:00', '09:00')] }] })[0]).toContain('open and close are the same time');
    const many = Array.from({ length: MAX_WINDOWS_PER_DAY + 1 }, (_, i) => w(`0${i}:00`, `0${i}:30`));
    expect(one({ weekly: [{ isoWeekday: 3, windows: many }] })).toEqual([`weekly[0]: 9 windows, at most ${MAX_WINDOWS_PER_DAY}`]);
  });

  it('rejects bad, duplicate and too many holiday dates', () => {
    expect(one({ holidays: [{ date: '2026-02-30', windows: [] }] })).toEqual(['holidays[0] (2026-02-30): date "2026-02-30" is not a real YYYY-MM-DD date']);
    expect(one({ holidays: [{ date: '2026/10/01', windows: [] }] })).toHaveLength(1);
    expect(one({ holidays: [{ date: '2026-10-01', windows: [] }, { date: '2026-10-01', windows: [] }] }))
      .toEqual(['holidays[1] (2026-10-01): date 2026-10-01 appears more than once']);
    const days = Array.from({ length: MAX_HOLIDAYS + 1 }, (_, i) => ({ date: isoDay(at('2026-01-01T00:00:00Z') + i * 86_400_000), windows: [] }));
    expect(one({ holidays: days })).toEqual([`401 holidays: at most ${MAX_HOLIDAYS}`]);
  });
});

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

describe('hoursStatus: property — open is constant up to nextChangeMs and flips there', () => {
  /** A tiny LCG (Numerical Recipes constants), seeded: the same instants every run. */
  const lcg = (seed: number) => (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const berlin: BusinessHours = {
    timeZone: 'Europe/Berlin',
    weekly: [
      ...weekdays([w('09:00', '12:00'), w('12:00', '17:30')]),
      { isoWeekday: 6, windows: [w('23:00', '03:00')] },
      { isoWeekday: 7, windows: [w('01:00', '06:00'), w('02:00', '02:30'), w('20:00', '24:00')] }, // overlap tolerated
    ],
    holidays: [
      { date: '2026-03-30', name: 'test', windows: [w('00:00', '01:00')] },
      { date: '2026-10-25', name: 'Herbst', windows: [w('02:30', '02:45')] },
    ],
  };
  const from = at('2026-03-15T00:00:00Z');
  const to = at('2026-11-15T00:00:00Z');

  for (const [name, hours] of [['Asia/Shanghai', shanghai], ['Europe/Berlin', berlin]] as const) {
    it(name, () => {
      const random = lcg(name.length * 7919);
      let flips = 0;
      for (let i = 0; i < 300; i++) {
        const t = from + Math.floor(random() * (to - from));
        const s = hoursStatus(hours, t);
        const next = s.nextChangeMs;
        expect(next, `t=${t}`).toBeDefined();
        if (next === undefined) continue;
        expect(next).toBeGreaterThan(t);
        for (let k = 0; k < 4; k++) expect(hoursStatus(hours, t + Math.floor(random() * (next - t))).open, `t=${t}`).toBe(s.open);
        expect(hoursStatus(hours, next - 1).open).toBe(s.open);
        expect(hoursStatus(hours, next).open, `t=${t} next=${next}`).toBe(!s.open);
        flips++;
      }
      expect(flips).toBe(300);
    });
  }
});
