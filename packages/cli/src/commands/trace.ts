import type { Command } from 'commander';
import { getOps, printJson, type OpsOptions } from '../ops/ops-client.js';
import { formatAgentActions, formatTrace, type TraceJson } from '../ops/trace-format.js';

/** `switchboard trace <contactId>`: a contact's timeline with every decision's explanation, from ops. */
export function register(program: Command): void {
  program.command('trace')
    .description("show a contact's routing timeline: every event, why it went to that agent, why it waited")
    .argument('<id>', 'the contact id (as ingestion answered it), or with --agent an agent id')
    .option('--agent', "show what supervisors did concerning this agent instead (presence, sign-out, profile, their contacts)")
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the trace as JSON')
    .action(async (contactId: string, options: OpsOptions & { agent?: boolean }) => {
      if (options.agent) {
        const actions = await getOps<{ events?: NonNullable<TraceJson['events']> }>(options, `/api/agents/${encodeURIComponent(contactId)}/actions`);
        if (options.json) printJson(actions);
        else process.stdout.write(`${formatAgentActions(contactId, actions.events ?? [])}\n`);
        return;
      }
      const trace = await getOps<TraceJson>(options, `/api/contacts/${encodeURIComponent(contactId)}/trace`);
      if (options.json) printJson(trace);
      else process.stdout.write(`${formatTrace(contactId, trace)}\n`);
    });
}
