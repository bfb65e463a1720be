import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, ServiceProcess } from '@switchboard/testkit';
import { loadRules } from '../../support/load-rules.js';
import { OPS_JWT_SECRET, opsAuthorization } from '../../support/ops-auth.js';

export const PHONE_SECRET = 'trace-test-secret';

/** Answers true once `url` responds 200. */
export const answers = (url: string) => async () => (await fetch(url)).status === 200;

/** The mesh of separate processes a contact crosses: ingest-phone, router, an agent desk, ops. */
export interface Mesh {
  readonly phoneUrl: string;
  readonly opsUrl: string;
  /** `authorization` of a supervisor of the mesh's domain, for ops's API. */
  readonly opsHeaders: Record<string, string>;
  readonly processes: ServiceProcess[];
  stop(): Promise<void>;
  /** Starts one more agent desk process; it keeps each contact `handleMs` before completing. */
  startDesk(agentId: string, handleMs?: number): Promise<ServiceProcess>;
}

/** Starts every process against `natsUrl`/`redisUrl`, exporting spans to `otlpUrl` when given. */
export async function startMesh(options: { natsUrl: string; redisUrl: string; domain: string; otlpUrl?: string; agents: string[] }): Promise<Mesh> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ops-'));
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ ...loadRules, queues: loadRules.queues.map((q) => ({ ...q, offerTimeoutSeconds: 30 })) }));
  const [phonePort, routerPort, opsPort, opsGrpcPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const common = { NATS_URL: options.natsUrl, REDIS_URL: options.redisUrl, SWITCHBOARD_DOMAIN: options.domain, LOG_LEVEL: 'warn',
    ...(options.otlpUrl ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '200' } : {}) };
  const processes: ServiceProcess[] = [];
  const stop = async () => { await Promise.all(processes.map((p) => p.stop())); };
  const startDesk = async (agent: string, handleMs = 300) => {
    // The desk is ready once signed in; it says so by creating this file.
    const readyFile = join(dir, `${agent}.ready`);
    const desk = await ServiceProcess.start({ entry: 'tests/ops/support/desk-main.ts', ready: async () => existsSync(readyFile),
      env: { ...common, DESK_DOMAIN: options.domain, DESK_AGENT_ID: agent, DESK_READY_FILE: readyFile, DESK_HANDLE_MS: String(handleMs) } });
    processes.push(desk);
    return desk;
  };
  try {
    processes.push(await ServiceProcess.start({ entry: 'services/router/src/main.ts', ready: answers(`http://127.0.0.1:${routerPort}/readyz`),
      env: { ...common, ROUTER_DOMAINS: options.domain, ROUTER_RULES_FILE: rulesFile, ROUTER_HTTP_PORT: String(routerPort) } }));
    processes.push(await ServiceProcess.start({ entry: 'services/ingest-phone/src/main.ts', ready: answers(`http://127.0.0.1:${phonePort}/readyz`),
      env: { ...common, HOST: '127.0.0.1', INGEST_PHONE_PORT: String(phonePort), PHONE_WEBHOOK_SECRET: PHONE_SECRET } }));
    processes.push(await ServiceProcess.start({ entry: 'services/ops/src/main.ts', ready: answers(`http://127.0.0.1:${opsPort}/readyz`),
      env: { ...common, OPS_HTTP_PORT: String(opsPort), OPS_GRPC_PORT: String(opsGrpcPort), SWITCHBOARD_JWT_SECRET: OPS_JWT_SECRET } }));
    for (const agent of options.agents) processes.push(await startDesk(agent));
  } catch (error) {
    await stop();
    throw error;
  }
  return { phoneUrl: `http://127.0.0.1:${phonePort}`, opsUrl: `http://127.0.0.1:${opsPort}`, opsHeaders: await opsAuthorization(options.domain),
    processes, stop, startDesk };
}

/** Posts a call to ingest-phone's generic webhook; resolves with the contact id. */
export async function postCall(phoneUrl: string, callId: string, intent = 'billing'): Promise<string> {
  const response = await fetch(`${phoneUrl}/v1/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PHONE_SECRET}` },
    body: JSON.stringify({ callId, callerNumber: '+14155550100', dialledNumber: '4008001234', ivr: { intent } }),
  });
  if (response.status !== 202) throw new Error(`ingest-phone answered ${response.status}`);
  return ((await response.json()) as { contactId: string }).contactId;
}

/** Runs the CLI as its own process and resolves with its exit code and output. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@switchboard/source', join(REPO_ROOT, 'packages/cli/src/main.ts'), ...args],
      // The secret ops verifies with: the CLI mints its development token from it.
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHBOARD_JWT_SECRET: OPS_JWT_SECRET } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
