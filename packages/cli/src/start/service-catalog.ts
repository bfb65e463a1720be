import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * When a service stops relative to the others: platforms' entry points first (no new contacts),
 * then the edges people use, then the router (it finishes what is in flight), then NATS/Redis.
 */
export type StopTier = 'ingest' | 'edge' | 'core';

/** A listening port of a service, with the variable that moves it. */
export interface PortSpec {
  readonly name: string;
  readonly env: string;
  readonly default: number;
  readonly protocol: 'http' | 'grpc' | 'smtp';
}

/** What the launcher knows of one service. */
export interface ServiceSpec {
  readonly name: string;
  /** Entry file relative to the repository root. */
  readonly entry: string;
  readonly tier: StopTier;
  readonly ports: readonly PortSpec[];
  /** The HTTP port answering `/readyz`, if any (gRPC-only services have none). */
  readonly readyPort?: string;
  /** Services a combined process runs in itself (`ingest-all`): their ports are its ports. */
  readonly members?: readonly ServiceSpec[];
  /** Variables for this service's process only. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The process that runs the ingestion services in one (`--ingest-in-one-process`), and the ones
 * it runs (services/ingest-all reads their names from `INGEST_ALL_SERVICES`). Never started otherwise.
 */
export const INGEST_IN_ONE_PROCESS = { name: 'ingest-all', runs: ['ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat', 'ingest-grpc'] } as const;

const http = (name: string, env: string, port: number): PortSpec => ({ name, env, default: port, protocol: 'http' });
const grpc = (name: string, env: string, port: number): PortSpec => ({ name, env, default: port, protocol: 'grpc' });

/**
 * The one list of what each known service listens on (design.md, "Default ports"). A service
 * folder not listed here still starts, with no ports shown, in the `edge` tier.
 */
export const KNOWN_SERVICES: Readonly<Record<string, Omit<ServiceSpec, 'name' | 'entry'>>> = {
  'ingest-phone': { tier: 'ingest', ports: [http('http', 'INGEST_PHONE_PORT', 7101)], readyPort: 'http' },
  'ingest-email': { tier: 'ingest', ports: [http('http', 'INGEST_EMAIL_PORT', 7102), { name: 'smtp', env: 'INGEST_EMAIL_SMTP_PORT', default: 2525, protocol: 'smtp' }], readyPort: 'http' },
  'ingest-chat': { tier: 'ingest', ports: [http('http', 'INGEST_CHAT_PORT', 7103)], readyPort: 'http' },
  'ingest-wechat': { tier: 'ingest', ports: [http('http', 'INGEST_WECHAT_PORT', 7104)], readyPort: 'http' },
  'ingest-grpc': { tier: 'ingest', ports: [grpc('grpc', 'INGEST_GRPC_PORT', 7105), http('http', 'INGEST_GRPC_HTTP_PORT', 7115)], readyPort: 'http' },
  'agent-gateway': { tier: 'edge', ports: [grpc('grpc', 'AGENT_GATEWAY_PORT', 7201), http('http', 'AGENT_GATEWAY_HTTP_PORT', 7211)], readyPort: 'http' },
  'queue-service': { tier: 'edge', ports: [grpc('grpc', 'QUEUE_SERVICE_PORT', 7202), http('http', 'QUEUE_SERVICE_HTTP_PORT', 7212)], readyPort: 'http' },
  ops: { tier: 'edge', ports: [http('http', 'OPS_HTTP_PORT', 7301), grpc('grpc', 'OPS_GRPC_PORT', 7302)], readyPort: 'http' },
  router: { tier: 'core', ports: [http('http', 'ROUTER_HTTP_PORT', 7401)], readyPort: 'http' },
  'ingest-all': { tier: 'ingest', ports: [] },
};

/** Every `services/<name>` with a `src/main.ts`, known or not, in name order. */
export function discoverServices(root: string): ServiceSpec[] {
  const dir = join(root, 'services');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'src', 'main.ts')))
    .map((entry) => ({
      name: entry.name,
      entry: join('services', entry.name, 'src', 'main.ts'),
      ...(KNOWN_SERVICES[entry.name] ?? { tier: 'edge' as const, ports: [] }),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What `switchboard start` runs instead of a discovered service list. */
export interface ServicePlanOptions {
  /** Names not to start; with `ingestInOneProcess`, skipped ingestion services are left out of ingest-all too. */
  readonly skip: readonly string[];
  readonly ingestInOneProcess: boolean;
}

/**
 * The processes to start: every discovered service not skipped, ingest-all aside; with
 * `ingestInOneProcess`, the ingestion services ingest-all runs become its `members` (one
 * process, `INGEST_ALL_SERVICES` naming them) instead of a process each.
 * @throws Error when one process is asked for but services/ingest-all is absent or skipped.
 */
export function planServices(discovered: readonly ServiceSpec[], options: ServicePlanOptions): ServiceSpec[] {
  const wanted = discovered.filter((s) => !options.skip.includes(s.name));
  const rest = wanted.filter((s) => s.name !== INGEST_IN_ONE_PROCESS.name);
  if (!options.ingestInOneProcess) return rest;
  const combined = wanted.find((s) => s.name === INGEST_IN_ONE_PROCESS.name);
  if (!combined) {
    const why = discovered.some((s) => s.name === INGEST_IN_ONE_PROCESS.name) ? 'it is skipped' : 'services/ingest-all is not in this build';
    throw new Error(`--ingest-in-one-process runs the ingestion services in ${INGEST_IN_ONE_PROCESS.name}, but ${why}`);
  }
  const runs: readonly string[] = INGEST_IN_ONE_PROCESS.runs;
  const members = rest.filter((s) => runs.includes(s.name));
  if (members.length === 0) return rest;
  const one: ServiceSpec = { ...combined, members, env: { INGEST_ALL_SERVICES: members.map((s) => s.name).join(',') } };
  return [...rest.filter((s) => !runs.includes(s.name)), one].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every service that listens, a combined process's members in its place: what the banner, readiness and the demo address. */
export function endpointsOf(services: readonly ServiceSpec[]): ServiceSpec[] {
  return services.flatMap((s) => s.members ?? [s]);
}

/** The port a service will listen on: its variable in `env`, else the default. */
export function portOf(spec: ServiceSpec, name: string, env: NodeJS.ProcessEnv): number | undefined {
  const port = spec.ports.find((p) => p.name === name);
  if (!port) return undefined;
  const value = Number(env[port.env]);
  return env[port.env] && Number.isInteger(value) ? value : port.default;
}
