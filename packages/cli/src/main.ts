#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

/** `switchboard`: the operator's command line (`pnpm -s switchboard <command>`). */
const program = new Command('switchboard')
  .description('Switchboard contact-routing mesh: operate, inspect, simulate, benchmark')
  .showHelpAfterError();

registerCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`switchboard: ${message}\n`);
  process.exitCode = 1;
});
