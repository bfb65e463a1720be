import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretFiles } from '@switchboard/bus';
import { GATEWAY_SECRETS } from '@switchboard/agent-gateway';
import { OPS_SECRETS, loadOpsConfig } from '@switchboard/ops';
import { QUEUE_SERVICE_SECRETS } from '@switchboard/queue-service';

// Issue 17: every secret Switchboard itself can mint is generated at the first start (deploy/secrets)
// and reaches its services as a file (<NAME>_FILE); only the platforms' own stay operator-set.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRETS = join(ROOT, 'deploy/secrets');
const MOUNT = '/run/secrets/switchboard/';
const hasDockerCompose = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'docker-compose')));
const tmp = mkdtempSync(join(tmpdir(), 'sb-app-secrets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The application secrets the deployments generate: variable → file name (secrets.list) and the services reading it. */
const GENERATED: Record<string, { file: string; services: string[] }> = {
  PHONE_WEBHOOK_SECRET: { file: 'phone-webhook-secret', services: ['ingest-phone', 'ingest-all'] },
  EMAIL_WEBHOOK_SIGNING_KEY: { file: 'email-webhook-signing-key', services: ['ingest-email', 'ingest-all'] },
  CHAT_SESSION_SECRET: { file: 'chat-session-secret', services: ['ingest-chat', 'ingest-all'] },
  INGEST_GRPC_TOKEN: { file: 'ingest-grpc-token', services: ['ingest-grpc', 'ingest-all'] },
  SWITCHBOARD_JWT_SECRET: { file: 'switchboard-jwt-secret', services: ['agent-gateway', 'queue-service', 'ops'] },
  OPS_SESSION_SECRET: { file: 'ops-session-secret', services: ['ops'] },
  CUSTOMER_KEY_SECRET: { file: 'customer-key-secret', services: ['router', 'queue-service'] },
};
/** Issued by the platform (or the customer's site), copied in by the operator; each optional. */
const PLATFORM_ISSUED = ['TWILIO_AUTH_TOKEN', 'CHAT_IDENTITY_SECRET', 'WECHAT_OA_TOKEN', 'WECHAT_OA_AES_KEY'];
const SERVICES = ['router', 'ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat', 'ingest-grpc', 'ingest-all', 'agent-gateway', 'queue-service', 'ops'];

/** secrets.list: name → random bytes and consumers. */
function secretList(): Map<string, { bytes: number; consumers: string[] }> {
  const lines = readFileSync(join(SECRETS, 'secrets.list'), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  return new Map(lines.map((l) => { const [name, bytes, ...consumers] = l.split(/\s+/); return [name!, { bytes: Number(bytes), consumers }]; }));
}
function generate(dir: string): string {
  return execFileSync('sh', [join(SECRETS, 'generate-secrets.sh'), join(SECRETS, 'secrets.list'), dir], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}
/** Every file under `dir` (relative path → content). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

type Env = Record<string, string>;
interface ComposeService { environment?: Env; volumes?: string[] }
const composeFile = (file: string) => parse(readFileSync(join(ROOT, 'deploy/compose', file), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const compose = composeFile('compose.yaml');
const oneProcess = composeFile('ingest-in-one-process.yaml');
const composeOf = (name: string) => (name === 'ingest-all' ? oneProcess : compose).services[name]!;

interface EnvVar { name: string; value?: string; valueFrom?: unknown }
interface Pod { containers: { env?: EnvVar[]; envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[] }[]; volumes?: { name: string; secret?: { secretName: string } }[] }
interface K8s { kind: string; metadata: { name: string }; stringData?: Env; spec?: { template?: { spec: Pod } } }
const k8s = [join(ROOT, 'deploy/k8s'), join(ROOT, 'deploy/k8s-ingest-in-one-process')].flatMap((dir) => readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as K8s)));
const podOf = (name: string) => k8s.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec!.template!.spec;
const template = k8s.find((o) => o.kind === 'Secret' && o.metadata.name === 'switchboard-secrets')!.stringData!;
const envExample = Object.fromEntries(readFileSync(join(ROOT, 'deploy/compose/.env.example'), 'utf8').split('\n')
  .filter((l) => /^[A-Z_0-9]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('application secrets in deploy/', () => {
  it('secrets.list generates each one for exactly the services that read it (and the JWT secret for operators)', () => {
    const list = secretList();
    for (const { file, services } of Object.values(GENERATED)) {
      expect(list.get(file)?.consumers, file).toEqual(file === 'switchboard-jwt-secret' ? [...services, 'admin'] : services);
      expect(list.get(file)!.bytes, file).toBeGreaterThanOrEqual(32);
    }
    // Compose's Grafana too (GF_SECURITY_ADMIN_PASSWORD__FILE).
    expect(list.get('grafana-admin-password')?.consumers).toEqual(['grafana']);
  });

  it('every secret pnpm start generates is either generated by the deployments or the platform\'s own', () => {
    const source = readFileSync(join(ROOT, 'packages/cli/src/start/dev-secrets.ts'), 'utf8');
    const block = /DEV_SECRET_NAMES = \{([\s\S]*?)\} as const/.exec(source)![1]!;
    const dev = [...block.matchAll(/^\s*([A-Z_]+):/gm)].map((m) => m[1]!);
    expect(dev.length).toBeGreaterThan(5);
    for (const name of dev) expect(name in GENERATED || PLATFORM_ISSUED.includes(name), name).toBe(true);
  });

  it('the services read each of theirs from a file: the edges and ops list them for loadSecretFiles', () => {
    expect(GATEWAY_SECRETS).toContain('SWITCHBOARD_JWT_SECRET');
    expect(QUEUE_SERVICE_SECRETS).toEqual(expect.arrayContaining(['SWITCHBOARD_JWT_SECRET', 'CUSTOMER_KEY_SECRET']));
    expect(OPS_SECRETS).toEqual(expect.arrayContaining(['SWITCHBOARD_JWT_SECRET', 'OPS_SESSION_SECRET']));
    // (The ingestion services' lists: services/ingest-all/src/selection.test.ts.)
  });

  it('compose and k8s point every service\'s secret at its own generated file, and set no value of it', () => {
    const list = secretList();
    for (const service of SERVICES) {
      const composeEnv = composeOf(service).environment!;
      const pod = podOf(service);
      const k8sEnv = Object.fromEntries((pod.containers[0]!.env ?? []).map((e) => [e.name, e]));
      const fromTemplate = (pod.containers[0]!.envFrom ?? []).some((e) => e.secretRef?.name === 'switchboard-secrets');
      expect(composeOf(service).volumes, service).toContain(`./secrets/${service}:${MOUNT.slice(0, -1)}:ro`);
      expect((pod.volumes ?? []).find((v) => v.name === 'switchboard-credentials')?.secret?.secretName, service).toBe(`switchboard-${service}`);
      for (const [variable, { file, services }] of Object.entries(GENERATED)) {
        const reads = services.includes(service);
        expect(composeEnv[`${variable}_FILE`], `compose ${service} ${variable}_FILE`).toBe(reads ? `${MOUNT}${file}` : undefined);
        expect(k8sEnv[`${variable}_FILE`]?.value, `k8s ${service} ${variable}_FILE`).toBe(reads ? `${MOUNT}${file}` : undefined);
        // Never the value itself, nor a Secret holding it beside the file (both set is refused at start).
        expect(composeEnv, `compose ${service}`).not.toHaveProperty(variable);
        expect(k8sEnv, `k8s ${service}`).not.toHaveProperty(variable);
        if (fromTemplate) expect(template, `k8s ${service} (switchboard-secrets)`).not.toHaveProperty(variable);
        if (reads) expect(list.get(file)?.consumers, `${service} ${file}`).toContain(service);
      }
    }
    expect(compose.services.grafana!.environment).toMatchObject({ GF_SECURITY_ADMIN_PASSWORD__FILE: `${MOUNT}grafana-admin-password` });
    expect(compose.services.grafana!.volumes).toContain(`./secrets/grafana:${MOUNT.slice(0, -1)}:ro`);
  });

  it('the platforms\' own secrets stay operator-set and optional: in .env.example and 02-secrets.yaml, empty, and only there', () => {
    for (const name of PLATFORM_ISSUED) {
      expect(envExample, name).toHaveProperty(name, '');
      expect(template, name).toHaveProperty(name, '');
    }
    // Nothing the operator must set: no ${VAR:?} (compose refusing to start) left in either compose file.
    for (const file of ['compose.yaml', 'ingest-in-one-process.yaml']) expect(readFileSync(join(ROOT, 'deploy/compose', file), 'utf8'), file).not.toMatch(/\$\{[A-Z_]+:\?/);
    // Only the pods that read a platform's secret take the template.
    const withTemplate = SERVICES.filter((s) => (podOf(s).containers[0]!.envFrom ?? []).some((e) => e.secretRef?.name === 'switchboard-secrets'));
    expect(withTemplate.sort()).toEqual(['ingest-all', 'ingest-chat', 'ingest-phone', 'ingest-wechat']);
  });

  it('ships no secret: .env.example and the k8s template hold no value, and none of the generated ones', () => {
    for (const [key, value] of Object.entries(envExample)) expect(value, key).toBe('');
    for (const [key, value] of Object.entries(template)) expect(value, key).toBe('');
    for (const variable of [...Object.keys(GENERATED), 'GRAFANA_ADMIN_PASSWORD']) {
      expect(envExample, '.env.example').not.toHaveProperty(variable);
      expect(template, '02-secrets.yaml').not.toHaveProperty(variable);
    }
  });

  it.skipIf(!hasDockerCompose && process.env.CI !== 'true')('docker-compose config resolves with no .env at all, both layerings, with the files and no values', () => {
    for (const files of [['compose.yaml'], ['compose.yaml', 'ingest-in-one-process.yaml']]) {
      const output = execFileSync('docker-compose', [...files.flatMap((f) => ['-f', join(ROOT, 'deploy/compose', f)]), 'config'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      const services = (parse(output) as { services: Record<string, ComposeService> }).services;
      for (const [variable, { file, services: readers }] of Object.entries(GENERATED)) {
        for (const service of readers.filter((s) => s in services && !(files.length === 2 && s.startsWith('ingest-') && s !== 'ingest-all'))) {
          expect(services[service]!.environment, `${files.join('+')} ${service}`).toHaveProperty(`${variable}_FILE`, `${MOUNT}${file}`);
        }
        for (const [name, service] of Object.entries(services)) expect(service.environment ?? {}, name).not.toHaveProperty(variable);
      }
    }
  });

  it('the generator writes each once per consumer at its length, pre-seeded values kept, and a second start changes nothing', () => {
    const dir = join(tmp, 'first-start');
    // An operator pre-seeds the key the mail platform issued.
    mkdirSync(join(dir, '.generated'), { recursive: true });
    writeFileSync(join(dir, '.generated', 'email-webhook-signing-key'), 'key-the-mail-platform-issued');
    const first = generate(dir);
    const list = secretList();
    for (const { file } of Object.values(GENERATED)) {
      if (file === 'email-webhook-signing-key') expect(first).not.toContain(`generated ${file}`);
      else expect(first, file).toContain(`generated ${file}\n`);
    }
    for (const [name, { bytes, consumers }] of list) {
      const value = readFileSync(join(dir, '.generated', name), 'utf8');
      if (name !== 'email-webhook-signing-key') expect(value, name).toMatch(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));
      for (const consumer of consumers) expect(readFileSync(join(dir, consumer, name), 'utf8'), `${consumer}/${name}`).toBe(value);
    }
    expect(readFileSync(join(dir, 'ingest-email', 'email-webhook-signing-key'), 'utf8')).toBe('key-the-mail-platform-issued');
    expect(readFileSync(join(dir, 'ingest-all', 'email-webhook-signing-key'), 'utf8')).toBe('key-the-mail-platform-issued');
    // Each value once: no two secrets alike.
    const values = [...list.keys()].map((n) => readFileSync(join(dir, '.generated', n), 'utf8'));
    expect(new Set(values).size).toBe(values.length);
    // Each consumer holds only what secrets.list gives it.
    for (const service of SERVICES) {
      const expected = [...list].filter(([, { consumers }]) => consumers.includes(service)).map(([n]) => n).sort();
      expect(readdirSync(join(dir, service)).sort(), service).toEqual(expected);
    }
    const before = snapshot(dir);
    expect(generate(dir)).toBe(`generate-secrets: ${list.size} secrets in ${dir}\n`);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a service reads the generated files as mounted: ops\' config from its own directory', () => {
    const dir = join(tmp, 'mounted');
    generate(dir);
    const env: Env = Object.fromEntries(Object.entries(podOf('ops').containers[0]!.env ?? [])
      .filter(([, e]) => e.value !== undefined && e.name.endsWith('_FILE') && e.value.startsWith(MOUNT))
      .map(([, e]) => [e.name, join(dir, 'ops', e.value!.slice(MOUNT.length))]));
    const config = loadOpsConfig({ ...env });
    expect(config.auth.tokens).toMatchObject({ secret: readFileSync(join(dir, '.generated', 'switchboard-jwt-secret'), 'utf8') });
    const loaded: Env = { ...env };
    loadSecretFiles(loaded, OPS_SECRETS);
    expect(loaded.OPS_SESSION_SECRET).toBe(readFileSync(join(dir, '.generated', 'ops-session-secret'), 'utf8'));
    expect(loaded.OPS_SESSION_SECRET!.length).toBeGreaterThanOrEqual(32);
  });
});
