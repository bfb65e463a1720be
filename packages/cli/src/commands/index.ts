import type { Command } from 'commander';
import { register as registerAgents } from './agents.js';
import { register as registerAudit } from './audit.js';
import { register as registerBench } from './bench.js';
import { register as registerKpis } from './kpis.js';
import { register as registerQa } from './qa.js';
import { register as registerQueues } from './queues.js';
import { register as registerSim } from './sim.js';
import { register as registerStaffing } from './staffing.js';
import { register as registerTrace } from './trace.js';
import { register as registerStart } from './start.js';
import { register as registerToken } from './token.js';
import { register as registerSupervise } from './supervise.js';
import { register as registerCustomers } from './customers.js';

/**
 * Each command lives in its own file and exports `register(program)`; add it to this list.
 */
const registrations: Array<(program: Command) => void> = [registerSim, registerBench, registerStart, registerTrace, registerQueues, registerAgents, registerKpis, registerAudit, registerToken, registerSupervise, registerStaffing, registerCustomers, registerQa];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
