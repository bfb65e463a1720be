import type { Command } from 'commander';
import { enumLabel, table } from '../ops/format.js';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { withWaitingBar } from '../ops/progress.js';

interface AuditJson {
  contactsAccepted?: number; contactsFinished?: number; contactsOpen?: number;
  findings?: { kind?: string; contactId?: string; agentId?: string; detail?: string }[];
}

/** `switchboard audit`: the auditor's findings over the domain's record; exits 2 when it finds any. */
export function register(program: Command): void {
  program.command('audit')
    .description('audit the routing record: contacts lost, double assignments, agents over capacity, order violations')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the report as JSON')
    .action(async (options: OpsOptions) => {
      const report = await withWaitingBar('reading the record', options.json === true, () => getOps<AuditJson>(options, '/api/audit', 600_000));
      const findings = report.findings ?? [];
      if (options.json) printJson(report);
      else {
        process.stdout.write(`${table(['accepted', 'finished', 'open', 'findings'], [[report.contactsAccepted ?? 0, report.contactsFinished ?? 0, report.contactsOpen ?? 0, findings.length]])}\n`);
        if (findings.length) {
          const rows = findings.map((f) => [enumLabel(f.kind, 'AUDIT_FINDING_KIND_'), f.contactId || '—', f.agentId || '—', f.detail ?? '']);
          process.stdout.write(`${table(['finding', 'contact', 'agent', 'detail'], rows)}\n`);
        } else process.stdout.write('no findings: nothing lost, no double assignment, no agent over capacity, order kept\n');
      }
      // Scripts and CI can gate on the audit.
      if (findings.length) process.exitCode = 2;
    });
}
