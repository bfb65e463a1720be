import type { AuditReport } from '@switchboard/auditor';

/** The one line a fault test prints: `faults: <case> accepted=N finished=N lost=0 double_assigned=0 over_capacity=0`. */
export function faultLine(name: string, report: AuditReport): string {
  return `faults: ${name} accepted=${report.accepted} finished=${report.finished} lost=${report.lost} ` +
    `double_assigned=${report.doubleAssigned} over_capacity=${report.overCapacity}`;
}
