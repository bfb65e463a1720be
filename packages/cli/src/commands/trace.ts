import type { Command } from 'commander';
import { getOps, OpsRequestError, printJson, type OpsOptions } from '../ops/ops-client.js';
import { formatAgentActions, formatTrace, type TraceJson } from '../ops/trace-format.js';

type AgentActions = { events?: NonNullable<TraceJson['events']> };

const agentActions = (options: OpsOptions, agentId: string) => getOps<AgentActions>(options, `/api/agents/${encodeURIComponent(agentId)}/actions`);

/**
 * `switchboard trace <id>`: a contact's timeline with every decision's explanation, from ops; an
 * id that is no contact but an agent supervisors acted on shows those actions (as `--agent` does).
 */
export function register(program: Command): void {
  program.command('trace')
    .description("show a contact's routing timeline (every event, why it went to that agent, why it waited), or what supervisors did concerning an agent")
    .argument('<id>', 'the contact id (as ingestion answered it), or an agent id')
    .option('--agent', 'the id is an agent: show what supervisors did concerning them (presence, sign-out, profile, their contacts)')
    .option('--ops-url <url>', 'ops HTTP address (default http://127.0.0.1:7301, or SWITCHBOARD_OPS_URL)')
    .option('--json', 'print the trace as JSON')
    .action(async (id: string, options: OpsOptions & { agent?: boolean }) => {
      const showAgent = (actions: AgentActions) => {
        if (options.json) printJson(actions);
        else process.stdout.write(`${formatAgentActions(id, actions.events ?? [])}\n`);
      };
      if (options.agent) return showAgent(await agentActions(options, id));
      let trace: TraceJson;
      try {
        trace = await getOps<TraceJson>(options, `/api/contacts/${encodeURIComponent(id)}/trace`);
      } catch (error) {
        if (!(error instanceof OpsRequestError) || error.status !== 404) throw error;
        // No such contact: an agent's id, when supervisors acted on them within the trace retention.
        const actions = await agentActions(options, id);
        if ((actions.events ?? []).length === 0) throw new OpsRequestError(`${error.message}, and no supervisor action concerning an agent "${id}" is on record`, 404);
        return showAgent(actions);
      }
      if (options.json) printJson(trace);
      else process.stdout.write(`${formatTrace(id, trace)}\n`);
    });
}
