import type { RoutingEvent } from '../model/event.js';
import { KpiAccumulator } from './kpi-accumulator.js';
import type { KpiOptions, KpiReport } from './types.js';

/**
 * KPIs of a routing event history (engine order): service level per queue threshold (abandoned and
 * expired contacts count as not answered in time), P(wait), ASA, AHT (talk + wrap-up), abandonment
 * rate, occupancy (busy / signed-in time) and offered / accepted / declined / missed counts.
 *
 * Pure: the same events give the same report. `untilMs` closes agents' open intervals (default:
 * the last event's time).
 */
export function computeKpis(events: Iterable<RoutingEvent>, options: KpiOptions = {}, untilMs?: number): KpiReport {
  const accumulator = new KpiAccumulator(options);
  for (const event of events) accumulator.add(event);
  return accumulator.snapshot(untilMs);
}
