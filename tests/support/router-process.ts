import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServiceProcess } from '@switchboard/testkit';

/** A router replica running as its own process, as in production, so a test can `kill -9` it. */
export class RouterProcess {
  private constructor(readonly service: ServiceProcess, readonly port: number, readonly replicaId: string) {}

  /** `extraEnv`: more router settings (checkpoint policy, stream limits...), over the defaults here. */
  static async start(env: { natsUrl: string; redisUrl: string; domains: string; rules: unknown; replicaId: string; extraEnv?: Record<string, string> }): Promise<RouterProcess> {
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'sb-router-')), 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(env.rules));
    const port = await freePort();
    const service = await ServiceProcess.start({
      entry: 'services/router/src/main.ts',
      env: { NATS_URL: env.natsUrl, REDIS_URL: env.redisUrl, ROUTER_DOMAINS: env.domains, ROUTER_RULES_FILE: rulesFile,
        ROUTER_REPLICA_ID: env.replicaId, ROUTER_LEASE_TTL_MS: '1500', ROUTER_HTTP_PORT: String(port), LOG_LEVEL: 'info', ...env.extraEnv },
      ready: async () => (await healthOf(port)) !== undefined,
    });
    return new RouterProcess(service, port, env.replicaId);
  }

  /** The domains this replica owns, or undefined when it does not answer. */
  health(): Promise<string[] | undefined> {
    return healthOf(this.port);
  }

  /** The router's Prometheus page (`/metrics`). */
  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
  }

  kill9(): void {
    this.service.kill9();
  }

  stop(): Promise<void> {
    return this.service.stop();
  }

  get logs(): string {
    return this.service.logs;
  }
}

async function healthOf(port: number): Promise<string[] | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return ((await res.json()) as { domains: string[] }).domains;
  } catch {
    return undefined;
  }
}
