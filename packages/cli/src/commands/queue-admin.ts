// `switchboard queues surge|hours`: a supervisor changes a queue's surge mode, hours, holidays or
// emergency closure through QueueService (SetSurgeMode; GetQueue + UpdateQueue with the version).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  SurgeMode, type GetQueueRequest, type GetQueueResponse, type QueueConfig, type SetSurgeModeRequest, type SetSurgeModeResponse,
  type UpdateQueueRequest, type UpdateQueueResponse,
} from '@switchboard/contracts';
import { hoursToProto, queueSchema } from '@switchboard/router-api';
import { hoursProblems } from '@switchboard/routing-core';
import { action, callQueueService, DEFAULT_QUEUE_SERVICE, UsageError, type SuperviseOptions } from './supervise.js';

const MODES: Record<string, SurgeMode> = { on: SurgeMode.SURGE_MODE_ON, off: SurgeMode.SURGE_MODE_OFF, auto: SurgeMode.SURGE_MODE_AUTO };

/** The opening hours a `--file` holds: the queue config's `hours` (timeZone, weekly, holidays). */
const hoursSchema = queueSchema.shape.hours.unwrap();

/**
 * The SetSurgeMode request of `queues surge <queueId> <on|off|auto>`.
 * @throws UsageError for another mode, or on/off without a reason (it goes on ROUTING).
 */
export function surgeRequest(queueId: string, mode: string, reason: string | undefined): SetSurgeModeRequest {
  const wanted = MODES[mode.toLowerCase()];
  if (wanted === undefined) throw new UsageError(`mode must be on, off or auto, not "${mode}"`);
  const why = reason?.trim() ?? '';
  if (wanted !== SurgeMode.SURGE_MODE_AUTO && why === '') throw new UsageError(`--reason is required to switch surge ${mode.toLowerCase()}: it goes on the record`);
  return { domain: '', queueId, mode: wanted, reason: why };
}

/** What `queues hours` changes. */
export interface HoursChange {
  /** The text of an hours JSON file. */
  readonly hoursJson?: string;
  /** Remove the hours: always open. */
  readonly clear?: boolean;
  /** Close now whatever the hours say, with this reason. */
  readonly close?: string;
  /** Lift the emergency closure: the hours decide again. */
  readonly reopen?: boolean;
}

/**
 * The queue as it is to be saved: `current` (from GetQueue, its version kept for optimistic
 * concurrency) with the hours and emergency closure changed as asked.
 * @throws UsageError for nothing to change, flags that contradict, or hours that are not valid
 * (the JSON's shape, then routing-core's own checks: the zone exists, windows do not overlap).
 */
export function hoursUpdate(current: QueueConfig, change: HoursChange): QueueConfig {
  if (change.hoursJson === undefined && !change.clear && change.close === undefined && !change.reopen) {
    throw new UsageError('name what to change: --file <hours.json>, --clear, --close "<reason>" or --reopen');
  }
  if (change.hoursJson !== undefined && change.clear) throw new UsageError('--file and --clear contradict each other');
  if (change.close !== undefined && change.reopen) throw new UsageError('--close and --reopen contradict each other');
  let next: QueueConfig = { ...current };
  if (change.hoursJson !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(change.hoursJson);
    } catch (error) {
      throw new UsageError(`--file is not JSON: ${(error as Error).message}`);
    }
    const parsed = hoursSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UsageError(`--file: ${issue.path.join('.') || 'hours'}: ${issue.message}`);
    }
    const problems = hoursProblems(parsed.data);
    if (problems.length > 0) throw new UsageError(`--file: ${problems.join('; ')}`);
    next = { ...next, hours: hoursToProto(parsed.data) };
  }
  if (change.clear) {
    const { hours: _gone, ...rest } = next;
    next = rest as QueueConfig;
  }
  if (change.close !== undefined) {
    const reason = change.close.trim();
    if (reason === '') throw new UsageError('--close needs the reason, e.g. --close "system outage"');
    if (reason.length > 200) throw new UsageError('--close: at most 200 characters');
    next = { ...next, emergencyClosedReason: reason };
  }
  if (change.reopen) next = { ...next, emergencyClosedReason: '' };
  return next;
}

/** One line on what the saved queue's hours now are. */
export function describeHours(q: QueueConfig | undefined): string {
  if (!q) return 'saved';
  const hours = q.hours?.timeZone
    ? `hours in ${q.hours.timeZone}: ${q.hours.weekly.filter((w) => w.windows.length > 0).length} weekdays open, ${q.hours.holidays.length} holidays`
    : 'no hours (always open)';
  const closure = q.emergencyClosedReason ? `closed for emergency: "${q.emergencyClosedReason}"` : 'no emergency closure';
  return `${q.id}: version ${q.version}; ${hours}; ${closure}`;
}

const options = (c: Command) => c
  .option('--queue-service <host:port>', `queue service (default ${DEFAULT_QUEUE_SERVICE}, or SWITCHBOARD_QUEUE_SERVICE)`)
  .option('--as <subject>', 'the supervisor the record names (default $USER); signs a supervisor token with SWITCHBOARD_JWT_SECRET or the dev secret')
  .option('--token <jwt>', 'a supervisor bearer token to use instead of signing one')
  .option('--domain <id>', 'the domain of the signed token (default $SWITCHBOARD_DOMAIN, else default)')
  .option('--teams <list>', 'the teams of the signed token, a,b (default *: every team of the domain)')
  .option('--secrets-file <path>', 'development secrets written by pnpm start');

/** Adds `surge` and `hours` under `switchboard queues`. */
export function registerQueueAdmin(queues: Command): void {
  options(queues.command('surge').argument('<queueId>').argument('<mode>', 'on, off (pinned: the forecast no longer changes it) or auto (the forecast decides)')
    .description("switch a queue's surge mode (QueueService.SetSurgeMode; QueueSurgeChanged on ROUTING with the reason)")
    .option('--reason <text>', 'why (required for on and off)'))
    .action(action(async (o: SuperviseOptions, queueId: string, mode: string) => {
      const r = await callQueueService<SetSurgeModeRequest, SetSurgeModeResponse>(o, (c) => c.setSurgeMode, surgeRequest(queueId, mode, o.reason));
      return `${queueId}: surge ${r.active ? 'on' : 'off'}${mode.toLowerCase() === 'auto' ? ' (the forecast decides from now on)' : ' (pinned until set back to auto)'}`;
    }));
  options(queues.command('hours').argument('<queueId>')
    .description("set a queue's hours and holidays, or close it for an emergency and reopen it (QueueService GetQueue + UpdateQueue with its version)")
    .option('--file <hours.json>', 'opening hours as JSON: {"timeZone":"Asia/Shanghai","weekly":[{"isoWeekday":1,"windows":[{"open":"09:00","close":"18:00"}]}],"holidays":[{"date":"2026-10-01","name":"National Day","windows":[]}]} (replaces the hours)')
    .option('--clear', 'remove the hours: always open')
    .option('--close <reason>', 'close now whatever the hours say (emergency), with the reason customers and the record get')
    .option('--reopen', 'lift the emergency closure: the hours decide again'))
    .action(action(async (o: SuperviseOptions, queueId: string) => {
      let hoursJson: string | undefined;
      if (o.file !== undefined) {
        try {
          hoursJson = readFileSync(o.file, 'utf8');
        } catch (error) {
          throw new UsageError(`--file ${o.file}: ${(error as Error).message}`);
        }
      }
      const change: HoursChange = { ...(hoursJson === undefined ? {} : { hoursJson }), ...(o.clear ? { clear: true } : {}),
        ...(o.close === undefined ? {} : { close: o.close }), ...(o.reopen ? { reopen: true } : {}) };
      hoursUpdate({ id: queueId } as QueueConfig, change); // flags checked before any call
      const got = await callQueueService<GetQueueRequest, GetQueueResponse>(o, (c) => c.getQueue, { domain: '', queueId });
      if (!got.queue) throw new UsageError(`no queue "${queueId}"`);
      const saved = await callQueueService<UpdateQueueRequest, UpdateQueueResponse>(o, (c) => c.updateQueue, { queue: hoursUpdate(got.queue, change) });
      return describeHours(saved.queue);
    }));
}
