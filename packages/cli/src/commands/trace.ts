import type { Command } from 'commander';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { formatTrace, type TraceJson } from '../ops/trace-format.js';

/** `switchboard trace <contactId>`: a contact's timeline with every decision's explanation, from ops. */
export function register(program: Command): void {
  program.command('trace')
    .description("show a contact's routing timeline: every event, why it went to that agent, why it waited")
    .argument('<contactId>', 'the contact id (as ingestion answered it)')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the trace as JSON')
    .action(async (contactId: string, options: OpsOptions) => {
      const trace = await getOps<TraceJson>(options, `/api/contacts/${encodeURIComponent(contactId)}/trace`);
      if (options.json) printJson(trace);
      else process.stdout.write(`${formatTrace(contactId, trace)}\n`);
    });
}
