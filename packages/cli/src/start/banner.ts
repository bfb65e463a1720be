import type { Palette } from './colours.js';
import { portOf, type ServiceSpec } from './service-catalog.js';

/** What the banner shows. */
export interface BannerInput {
  readonly services: readonly ServiceSpec[];
  readonly env: NodeJS.ProcessEnv;
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly generatedSecrets: readonly string[];
  readonly secretsFile: string;
  readonly demo: boolean;
  /** The ops console's one-time login (pnpm start's development login), when there is one. */
  readonly devLoginToken?: string;
}

/** The console's address: with the launcher's one-time dev login link when there is one. */
export function consoleUrl(base: string, devLoginToken: string | undefined): string {
  return devLoginToken ? `${base}/auth/dev-login?token=${devLoginToken}` : `${base}/`;
}

/** The lines printed once everything is up: where to look, and what is dev-only. */
export function banner(input: BannerInput, palette: Palette): string {
  const p = palette.paint;
  const has = (name: string) => input.services.find((s) => s.name === name);
  const ops = has('ops');
  const lines = [
    '',
    p('bold', '  Switchboard is running') + (input.demo ? p('green', '  ·  demo traffic on') : ''),
    '',
    ops ? `  console        ${p('brightCyan', consoleUrl(`http://127.0.0.1:${portOf(ops, 'http', input.env)}`, input.devLoginToken))}` : `  console        ${p('dim', '(services/ops not present in this build)')}`,
  ];
  if (ops && input.devLoginToken) {
    lines.push(`  ${''.padEnd(15)}${p('dim', 'one-time login link (dev only): it signs this browser in as a supervisor once; restart for another')}`);
  }
  const portsOf = (service: ServiceSpec) => service.ports.map((port) => `${port.protocol}:${portOf(service, port.name, input.env)}`).join('  ');
  for (const service of input.services) {
    if (service.members) {
      // One process: its line says so, then each channel's endpoint as when they run apart.
      lines.push(`  ${service.name.padEnd(15)}${p('dim', `one process: ${service.members.map((m) => m.name).join(', ')}`)}`);
      for (const member of service.members) lines.push(`  ${member.name.padEnd(15)}${portsOf(member)}  ${p('dim', `(in ${service.name})`)}`);
      continue;
    }
    lines.push(`  ${service.name.padEnd(15)}${portsOf(service) || p('dim', '(no known ports)')}`);
  }
  lines.push(`  ${'NATS'.padEnd(15)}${input.natsUrl}`, `  ${'Redis'.padEnd(15)}${input.redisUrl}`);
  if (has('agent-gateway') || has('queue-service')) {
    // Desks and supervisors need a token of this domain, issuer and audience; the CLI signs one.
    const domain = input.env.SWITCHBOARD_DOMAIN || 'default';
    const issuer = input.env.SWITCHBOARD_JWT_ISSUER || 'switchboard';
    const audience = input.env.SWITCHBOARD_JWT_AUDIENCE || 'switchboard';
    lines.push(`  ${'tokens'.padEnd(15)}pnpm -s switchboard token --agent <id> [--role supervisor --teams a,b]  `
      + p('dim', `(domain ${domain}, issuer ${issuer}, audience ${audience})`));
  }
  const router = has('router');
  if (router) lines.push(`  ${'metrics'.padEnd(15)}http://127.0.0.1:${portOf(router, 'http', input.env)}/metrics (and /metrics on every HTTP service)`);
  if (input.generatedSecrets.length > 0) {
    lines.push('', p('yellow', `  Development secrets (dev-only, never use in production): ${input.generatedSecrets.join(', ')}`),
      p('yellow', `  saved in ${input.secretsFile}; set them in the environment to choose your own.`));
  }
  lines.push('', p('dim', '  Ctrl-C stops everything (ingest first, then the router, then NATS/Redis).'), '');
  return lines.join('\n');
}
