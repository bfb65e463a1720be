import { describe, expect, it } from 'vitest';
import { QueueConfig, SurgeMode } from '@switchboard/contracts';
import { describeHours, hoursUpdate, surgeRequest } from './queue-admin.js';
import { modeCells } from './queues.js';

const HOURS = { timeZone: 'Asia/Shanghai', weekly: [{ isoWeekday: 1, windows: [{ open: '09:00', close: '18:00' }] }], holidays: [{ date: '2026-10-01', name: 'National Day', windows: [] }] };
const current = QueueConfig.fromPartial({ id: 'care', domain: 'd', version: 7, emergencyClosedReason: '', hours: { timeZone: 'Europe/Berlin', weekly: [], holidays: [] } });

describe('switchboard queues surge', () => {
  it('asks QueueService for the mode, with the reason on and off need', () => {
    expect(surgeRequest('care', 'ON', ' storm ')).toEqual({ domain: '', queueId: 'care', mode: SurgeMode.SURGE_MODE_ON, reason: 'storm' });
    expect(surgeRequest('care', 'off', 'calm again').mode).toBe(SurgeMode.SURGE_MODE_OFF);
    expect(surgeRequest('care', 'auto', undefined)).toMatchObject({ mode: SurgeMode.SURGE_MODE_AUTO, reason: '' });
    expect(() => surgeRequest('care', 'on', '  ')).toThrow(/--reason is required to switch surge on/);
    expect(() => surgeRequest('care', 'maybe', 'x')).toThrow(/on, off or auto, not "maybe"/);
  });
});

describe('switchboard queues hours', () => {
  it('replaces the hours from the file and keeps the version it read (optimistic concurrency)', () => {
    const next = hoursUpdate(current, { hoursJson: JSON.stringify(HOURS) });
    expect(next).toMatchObject({ id: 'care', version: 7, hours: { timeZone: 'Asia/Shanghai', holidays: [{ date: '2026-10-01', name: 'National Day', windows: [] }] } });
    expect(next.hours?.weekly).toEqual([{ isoWeekday: 1, windows: [{ open: '09:00', close: '18:00' }] }]);
    expect(hoursUpdate(current, { clear: true }).hours).toBeUndefined();
  });

  it('closes for an emergency with the reason and reopens', () => {
    expect(hoursUpdate(current, { close: ' system outage ' })).toMatchObject({ emergencyClosedReason: 'system outage', version: 7, hours: current.hours });
    expect(hoursUpdate({ ...current, emergencyClosedReason: 'x' }, { reopen: true }).emergencyClosedReason).toBe('');
  });

  it('says what is wrong before calling anyone', () => {
    expect(() => hoursUpdate(current, {})).toThrow(/name what to change/);
    expect(() => hoursUpdate(current, { close: 'a', reopen: true })).toThrow(/contradict/);
    expect(() => hoursUpdate(current, { hoursJson: '{', clear: true })).toThrow(/contradict/);
    expect(() => hoursUpdate(current, { close: ' ' })).toThrow(/--close needs the reason/);
    expect(() => hoursUpdate(current, { hoursJson: '{nope' })).toThrow(/--file is not JSON/);
    expect(() => hoursUpdate(current, { hoursJson: JSON.stringify({ ...HOURS, weekly: [{ isoWeekday: 8, windows: [] }] }) })).toThrow(/--file: weekly\.0\.isoWeekday/);
    expect(() => hoursUpdate(current, { hoursJson: JSON.stringify({ ...HOURS, timeZone: 'Mars/Olympus' }) })).toThrow(/--file: .*Mars\/Olympus/);
  });

  it('describes what was saved', () => {
    expect(describeHours(hoursUpdate(current, { hoursJson: JSON.stringify(HOURS), close: 'outage' })))
      .toBe('care: version 7; hours in Asia/Shanghai: 1 weekdays open, 1 holidays; closed for emergency: "outage"');
  });
});

describe('switchboard queues table', () => {
  it('shows open or closed with why, the next change in the queue\'s zone, surge and the forecast', () => {
    expect(modeCells({ queueId: 'care', reason: 'EMERGENCY', emergencyClosedReason: 'outage', surgeActive: true, surgeSource: 'SUPERVISOR', surgePinned: true }))
      .toEqual(['closed (emergency: outage)', '—', 'on (supervisor, pinned)', '—']);
    expect(modeCells({ queueId: 'care', open: true, reason: 'SCHEDULE', nextChangeLocal: '2026-12-07 18:00', hours: { timeZone: 'Asia/Shanghai' }, surgeAuto: true, forecastServiceLevel: 0.874 }))
      .toEqual(['open (schedule)', '2026-12-07 18:00 Asia/Shanghai', 'off (auto)', '87.4%']);
    expect(modeCells({ queueId: 'x', open: true, reason: 'HOLIDAY', holiday: 'National Day' })[0]).toBe('open (holiday National Day)');
    expect(modeCells(undefined)).toEqual(['—', '—', '—', '—']);
  });
});
