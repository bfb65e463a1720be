import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runDemo, type RunningDemo } from '../demo/run-demo.js';
import { banner } from './banner.js';
import { SERVICE_STYLES, type Palette, type Style } from './colours.js';
import { devSecretsFile, loadDevSecrets } from './dev-secrets.js';
import { devCommandKeyEnv } from './command-keys.js';
import { CommandSigner } from '@switchboard/router-api';
import { planInfra, waitForAnswer, type InfraPlan } from './infra.js';
import { formatLogLine } from './log-format.js';
import { discoverServices, endpointsOf, planServices, portOf, type ServiceSpec, type StopTier } from './service-catalog.js';
import { SupervisedProcess } from './supervised-process.js';
import { waitUntilReady } from './readiness.js';

/** A module beside this one, as this one runs: from source (.ts, under tsx) or built (.js). */
function sibling(name: string): URL {
  return new URL(`./${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
}

/** `switchboard start` options. */
export interface LaunchOptions {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly skip: readonly string[];
  /** The ingestion services in one process (services/ingest-all) instead of one each. */
  readonly ingestInOneProcess?: boolean;
  readonly demo?: { readonly ratePerMinute: number; readonly agents: number; readonly speed: number; readonly load?: number; readonly warmupSeconds?: number; readonly vipShare?: number };
  readonly domain: string;
  readonly write: (text: string) => void;
  readonly palette: Palette;
}

const STOP_ORDER: readonly StopTier[] = ['ingest', 'edge', 'core'];

/**
 * Runs the mesh on one machine: NATS and Redis (found or started), every service as its own
 * node process with pretty logs, optional demo traffic; `stop` takes it down in order.
 */
export class Launcher {
  private readonly children = new Map<string, { spec?: ServiceSpec; process: SupervisedProcess }>();
  private readonly infra: SupervisedProcess[] = [];
  private demo: RunningDemo | undefined;
  private env: NodeJS.ProcessEnv = {};
  private readonly width: number;
  /** The console's one-time login link's token (a fresh one each start, never saved), unless OIDC is configured. */
  private devLoginToken: string | undefined;

  constructor(private readonly options: LaunchOptions) {
    this.width = 14;
  }

  /** Starts everything; resolves once services are up (or reported as not ready). */
  async start(): Promise<void> {
    const { options } = this;
    // Before NATS and Redis: a plan that cannot be had fails at once.
    const services = planServices(discoverServices(options.root), { skip: options.skip, ingestInOneProcess: options.ingestInOneProcess ?? false });
    const dataDir = join(options.root, '.switchboard');
    const nats = await planInfra('nats', options.env, dataDir);
    const redis = await planInfra('redis', options.env, dataDir);
    await this.startInfra('nats', nats);
    await this.startInfra('redis', redis);
    const secretsFile = devSecretsFile(options.root);
    const secrets = loadDevSecrets(options.env, secretsFile);
    // Bound to loopback unless told otherwise: dev secrets must not open endpoints to the network.
    this.env = { HOST: '127.0.0.1', ...options.env, ...secrets.values, ...devCommandKeyEnv(options.env), NATS_URL: nats.url, REDIS_URL: redis.url,
      SWITCHBOARD_DOMAIN: options.domain, ROUTER_DOMAINS: options.env.ROUTER_DOMAINS ?? options.domain };
    // ops honours it only for a process launched here listening on loopback; a chosen OPS_HOST or OIDC means no dev login.
    const opsHost = this.env.OPS_HOST;
    if (!this.env.OPS_OIDC_ISSUER && (!opsHost || ['127.0.0.1', '::1', 'localhost'].includes(opsHost))) this.devLoginToken = randomBytes(32).toString('base64url');
    services.forEach((spec, i) => this.spawnService(spec, SERVICE_STYLES[i % SERVICE_STYLES.length]!));
    await waitUntilReady(services, this.env, (name, ok) => { if (!ok) this.say(name, 'not ready after 60 s; going on (see its log above)', 'yellow'); });
    options.write(`${banner({ services, env: this.env, natsUrl: nats.url, redisUrl: redis.url, generatedSecrets: secrets.generated,
      secretsFile, demo: options.demo !== undefined, ...(this.devLoginToken ? { devLoginToken: this.devLoginToken } : {}) }, options.palette)}\n`);
    if (options.demo) await this.startDemo(services, options.demo);
  }

  /** Stops in order: demo, ingest, edges, router, then NATS/Redis if we started them. Resolves the exit code. */
  async stop(): Promise<number> {
    let code = 0;
    await this.demo?.stop().catch(() => undefined);
    for (const tier of STOP_ORDER) {
      const group = [...this.children.entries()].filter(([, c]) => (c.spec?.tier ?? 'edge') === tier);
      if (group.length === 0) continue;
      this.say('launcher', `stopping ${group.map(([name]) => name).join(', ')}`);
      const results = await Promise.all(group.map(([, c]) => c.process.stop(20_000).then(() => c.process.exitCode)));
      if (results.some((exit) => exit !== 0 && exit !== null)) code = 1;
    }
    for (const server of [...this.infra].reverse()) {
      this.say('launcher', `stopping ${server.options.name}`);
      await server.stop(10_000);
    }
    this.say('launcher', code === 0 ? 'all stopped' : 'stopped; some service exited with an error (see above)', code === 0 ? 'green' : 'red');
    return code;
  }

  /** Last resort on a second Ctrl-C or the launcher's own exit: SIGKILL every child group. */
  killAll(): void {
    for (const { process } of this.children.values()) process.kill();
    for (const server of this.infra) server.kill();
  }

  private async startInfra(name: 'nats' | 'redis', plan: InfraPlan): Promise<void> {
    if (plan.kind === 'running') {
      this.say('launcher', `${name === 'nats' ? 'NATS' : 'Redis'} answers at ${plan.url}`);
      return;
    }
    this.say('launcher', `starting ${plan.binary} on 127.0.0.1:${plan.port}`);
    // Through the orphan guard: a launcher killed by SIGKILL leaves no server behind.
    const guarded = ['--import', 'tsx', fileURLToPath(sibling('orphan-guard')), plan.binary, ...plan.args];
    const child = this.supervise(name === 'nats' ? 'nats-server' : 'redis-server', process.execPath, guarded, 'gray', false);
    this.infra.push(child);
    child.start();
    await waitForAnswer('127.0.0.1', plan.port, plan.binary);
  }

  private spawnService(spec: ServiceSpec, style: Style): void {
    // parent-watch: the service stops when the launcher dies, even by SIGKILL.
    const args = ['--import', 'tsx', '--import', sibling('parent-watch').href, '--conditions=@switchboard/source', join(this.options.root, spec.entry)];
    // Only ops hears the dev login token: no other service needs it.
    const env = spec.name === 'ops' && this.devLoginToken ? { ...spec.env, OPS_DEV_LOGIN_TOKEN: this.devLoginToken } : spec.env;
    const child = this.supervise(spec.name, process.execPath, args, style, true, env);
    this.children.set(spec.name, { spec, process: child });
    child.start();
  }

  private supervise(name: string, command: string, args: string[], style: Style, restart: boolean, env: Readonly<Record<string, string>> = {}): SupervisedProcess {
    const prefix = this.options.palette.paint(style, name.padEnd(this.width));
    return new SupervisedProcess({
      name, command, args, cwd: this.options.root, env: { ...process.env, ...this.env, ...env }, restart, ipc: true,
      onLine: (line) => this.options.write(`${formatLogLine(line, prefix, this.options.palette, name)}\n`),
      onCrash: (exit, delay) => this.say(name, `CRASHED (${exit})${delay === undefined ? '' : `; restarting in ${delay / 1000} s`}`, 'brightRed'),
    });
  }

  private async startDemo(services: readonly ServiceSpec[], demo: NonNullable<LaunchOptions['demo']>): Promise<void> {
    const port = (name: string, which: string, fallback: number) => {
      const spec = endpointsOf(services).find((s) => s.name === name);
      return (spec && portOf(spec, which, this.env)) ?? fallback;
    };
    const url = (name: string, fallback: number) => `http://127.0.0.1:${port(name, 'http', fallback)}`;
    this.demo = await runDemo({
      natsUrl: this.env.NATS_URL!, domain: this.options.domain, ratePerMinute: demo.ratePerMinute, agents: demo.agents, speed: demo.speed,
      ...(demo.load === undefined ? {} : { load: demo.load, warmupSeconds: demo.warmupSeconds ?? 0 }),
      ...(demo.vipShare === undefined ? {} : { vipShare: demo.vipShare }),
      log: (message) => this.say('demo', message, 'brightGreen'),
      commandSigner: CommandSigner.fromEnv('operator', this.env),
      targets: {
        phoneUrl: url('ingest-phone', 7101), phoneSecret: this.env.PHONE_WEBHOOK_SECRET!,
        smtpHost: '127.0.0.1', smtpPort: port('ingest-email', 'smtp', 2525),
        chatUrl: url('ingest-chat', 7103), wechatUrl: url('ingest-wechat', 7104), wechatToken: this.env.WECHAT_OA_TOKEN!,
      },
    });
  }

  private say(name: string, message: string, style: Style = 'bold'): void {
    const p = this.options.palette.paint;
    this.options.write(`${p('gray', new Date().toISOString().slice(11, 23))} ${p('bold', name.padEnd(this.width))} ${p(style, message)}\n`);
  }
}
