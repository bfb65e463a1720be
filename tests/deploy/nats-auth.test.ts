import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { BUS_SERVICES, connectBus, deploymentAuthorization } from '@switchboard/bus';
import { freePort, ServerProcess } from '@switchboard/testkit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AUTH_CONF = join(ROOT, 'deploy/compose/nats/auth.conf');
const SECRETS = join(ROOT, 'deploy/secrets');
const hasNatsServer = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'nats-server')));
const tmp = mkdtempSync(join(tmpdir(), 'sb-deploy-secrets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const AUTH_HEADER = `# Generated from packages/bus/src/nats-permissions.ts (servicePermissions) — do not edit by hand:
# tests/deploy/nats-auth.test.ts fails when it differs; UPDATE_DEPLOY=1 on that test rewrites it.
# One user per service, each allowed only the subjects and JetStream API its code uses; the
# passwords are $PW_<USER> environment variables (secrets/passwords.env), generated at first start
# (deploy/secrets). No user but admin may delete or purge a stream.
`;

interface Compose { services: Record<string, { environment?: Record<string, string>; volumes?: string[]; depends_on?: Record<string, unknown> }> }
const compose = parse(readFileSync(join(ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as Compose;
const oneProcess = parse(readFileSync(join(ROOT, 'deploy/compose/ingest-in-one-process.yaml'), 'utf8'), { merge: true }) as Compose;
type K8s = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { template?: { spec: PodSpec } } };
type PodSpec = { containers: { env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[]; volumes?: { name: string; secret?: { secretName: string } }[] };
const k8s = [join(ROOT, 'deploy/k8s'), join(ROOT, 'deploy/k8s-ingest-in-one-process')].flatMap((dir) => readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as K8s)));

/** secrets.list: name → consumers. */
function secretList(): Map<string, string[]> {
  return new Map([...secretSizes()].map(([name, { consumers }]) => [name, consumers]));
}

/** secrets.list: name → random bytes and consumers. */
function secretSizes(): Map<string, { bytes: number; consumers: string[] }> {
  const lines = readFileSync(join(SECRETS, 'secrets.list'), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  return new Map(lines.map((l) => { const [name, bytes, ...consumers] = l.split(/\s+/); return [name!, { bytes: Number(bytes), consumers }]; }));
}

function generate(dir: string, list = join(SECRETS, 'secrets.list')): string {
  return execFileSync('sh', [join(SECRETS, 'generate-secrets.sh'), list, dir], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NATS_ROUTE_HOSTS: 'nats-1:6222 nats-2:6222' } });
}

describe('NATS auth in deploy/', () => {
  it('nats/auth.conf is the users and permissions packages/bus gives the services', () => {
    const expected = AUTH_HEADER + deploymentAuthorization();
    if (process.env.UPDATE_DEPLOY === '1') writeFileSync(AUTH_CONF, expected);
    expect(readFileSync(AUTH_CONF, 'utf8')).toBe(expected);
    const natsConfig = k8s.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nats-config')!;
    expect(natsConfig.data!['auth.conf']).toBe(expected);
    expect(natsConfig.data!['nats.conf']).toMatch(/include "auth\.conf"/);
    expect(natsConfig.data!['nats.conf']).toMatch(/sync_interval:\s*always/);
  });

  it('k8s runs the same first-start scripts as compose', () => {
    const scripts = k8s.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'switchboard-secrets-scripts')!.data!;
    const copies: [string, string][] = [['secrets.list', 'secrets.list'], ['generate-secrets.sh', 'generate-secrets.sh'], ['hook-10-nats.sh', 'hooks/10-nats.sh'],
      ['hook-20-redis-users.sh', 'hooks/20-redis-users.sh'], ['k8s-sync.sh', 'k8s-sync.sh']];
    for (const [key, file] of copies) {
      expect(scripts[key], key).toBe(readFileSync(join(SECRETS, file), 'utf8'));
    }
    expect(readdirSync(join(SECRETS, 'hooks')).map((h) => `hook-${h}`).every((k) => k in scripts)).toBe(true);
  });

  const services = [...BUS_SERVICES];
  const composeOf = (name: string) => (name === 'ingest-all' ? oneProcess : compose).services[name]!;
  const podOf = (name: string) => k8s.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec!.template!.spec;

  it('every service connects as its own NATS user, with only its own secrets mounted, in compose and k8s', () => {
    const list = secretList();
    for (const name of services) {
      const env = composeOf(name).environment!;
      expect(env.NATS_USER, name).toBe(name);
      expect(env.NATS_PASSWORD_FILE, name).toBe(`/run/secrets/switchboard/nats-password-${name}`);
      const volumes = composeOf(name).volumes ?? [];
      expect(volumes, name).toContain(`./secrets/${name}:/run/secrets/switchboard:ro`);
      expect(volumes.filter((v) => v.startsWith('./secrets/')), name).toEqual([`./secrets/${name}:/run/secrets/switchboard:ro`]);
      expect(composeOf(name).depends_on, name).toHaveProperty('secrets', { condition: 'service_completed_successfully' });
      const pod = podOf(name);
      const k8sEnv = Object.fromEntries((pod.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
      expect(k8sEnv.NATS_USER, name).toBe(name);
      expect(k8sEnv.NATS_PASSWORD_FILE, name).toBe(env.NATS_PASSWORD_FILE);
      const secrets = (pod.volumes ?? []).filter((v) => v.secret).map((v) => v.secret!.secretName);
      // Its own Secret of the first-start step, and at most the Redis users' (each pod mounts only its own key of it).
      expect(secrets.filter((s) => s !== 'switchboard-redis-users'), name).toEqual([`switchboard-${name}`]);
      // Every file a service reads is generated for it.
      for (const [key, value] of [...Object.entries(env), ...Object.entries(k8sEnv)]) {
        if (!key.endsWith('_FILE') || !value?.startsWith('/run/secrets/switchboard/')) continue;
        const file = value.slice('/run/secrets/switchboard/'.length);
        expect(list.get(file), `${name} ${key}`).toContain(name);
      }
    }
  });

  it('only the router holds the command keys of the gateway and the queue service; each sender holds its own', () => {
    const keysOf = (name: string) => Object.keys(composeOf(name).environment!).filter((k) => k.startsWith('ROUTER_COMMAND_KEY_')).sort();
    for (const name of services) {
      const expected = name === 'router' ? ['ROUTER_COMMAND_KEY_AGENT_GATEWAY_FILE', 'ROUTER_COMMAND_KEY_QUEUE_SERVICE_FILE']
        : name === 'agent-gateway' ? ['ROUTER_COMMAND_KEY_AGENT_GATEWAY_FILE'] : name === 'queue-service' ? ['ROUTER_COMMAND_KEY_QUEUE_SERVICE_FILE'] : [];
      expect(keysOf(name), name).toEqual(expected);
      const k8sKeys = (podOf(name).containers[0]!.env ?? []).map((e) => e.name).filter((k) => k.startsWith('ROUTER_COMMAND_KEY_')).sort();
      expect(k8sKeys, name).toEqual(expected);
    }
    // No operator key anywhere: only development mints one.
    expect([...secretList().keys()].some((n) => n.includes('operator'))).toBe(false);
  });

  it('ships no secret: .env.example leaves every one empty, the k8s template too', () => {
    const example = readFileSync(join(ROOT, 'deploy/compose/.env.example'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l));
    for (const line of example) expect(line, line).toMatch(/=$/);
    const template = k8s.find((o) => o.kind === 'Secret' && o.metadata.name === 'switchboard-secrets') as unknown as { stringData: Record<string, string> };
    for (const [key, value] of Object.entries(template.stringData)) expect(value, key).toBe('');
  });

  it('generates every secret once, copies it to its consumers only, and never changes it on a later start', () => {
    const dir = join(tmp, 'secrets');
    generate(dir);
    const list = secretList();
    for (const [name, { bytes, consumers }] of secretSizes()) {
      const value = readFileSync(join(dir, '.generated', name), 'utf8');
      // base64url of the random bytes, unpadded: 32 bytes are 43 characters.
      expect(value, name).toMatch(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`));
      for (const consumer of consumers) expect(readFileSync(join(dir, consumer, name), 'utf8'), `${consumer}/${name}`).toBe(value);
    }
    expect(readdirSync(join(dir, 'ingest-phone')).sort()).toEqual(['nats-password-ingest-phone', 'phone-webhook-secret']);
    expect(readdirSync(join(dir, 'router')).sort()).toEqual(['command-key-agent-gateway', 'command-key-queue-service', 'customer-key-secret', 'nats-password-router', 'redis-password-router']);
    // The Redis users' passwords, one file per user (k8s: the Secret switchboard-redis-users 05-redis.yaml reads).
    expect(readdirSync(join(dir, 'redis-users')).sort()).toEqual(['agent-gateway', 'ops', 'queue-service', 'router']);
    expect(readFileSync(join(dir, 'redis-users', 'ops'), 'utf8')).toBe(readFileSync(join(dir, '.generated', 'redis-password-ops'), 'utf8'));
    const router = readFileSync(join(dir, '.generated', 'nats-password-router'), 'utf8');
    const passwords = readFileSync(join(dir, 'nats', 'passwords.env'), 'utf8');
    expect(passwords).toContain(`PW_ROUTER='"${router}"'\n`);
    expect(passwords).toContain('PW_AGENT_GATEWAY=');
    expect(readFileSync(join(dir, 'nats', 'cluster.conf'), 'utf8')).toContain('@nats-2:6222"');
    // A later start with one more secret in the list: the old ones stay, the new one appears.
    const longer = join(tmp, 'longer.list');
    writeFileSync(longer, `${readFileSync(join(SECRETS, 'secrets.list'), 'utf8')}\nsomething-new 16 ops\n`);
    expect(generate(dir, longer)).toBe(`generate-secrets: generated something-new\ngenerate-secrets: ${list.size + 1} secrets in ${dir}\n`);
    expect(readFileSync(join(dir, '.generated', 'nats-password-router'), 'utf8')).toBe(router);
    expect(readFileSync(join(dir, 'ops', 'something-new'), 'utf8')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses a broken list with the line at fault', () => {
    const bad = join(tmp, 'bad.list');
    writeFileSync(bad, 'ok-name 32 router\nno-consumer 32\n');
    const run = spawnSync('sh', [join(SECRETS, 'generate-secrets.sh'), bad, join(tmp, 'bad')], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("'no-consumer' has no consumer");
  });

  it.skipIf(!hasNatsServer && process.env.CI !== 'true')('nats-server runs the compose config with the generated secrets: services sign in with theirs, nobody without', async () => {
    const dir = join(tmp, 'run');
    // A password nats-server would read as a malformed number if the hook did not quote it (seen in a run).
    const tricky = '1-ANwbaQXG54mQ5U7nEMN-URnNfDIrSJ80v2jGqZe1E';
    mkdirSync(join(dir, 'secrets-src', '.generated'), { recursive: true });
    writeFileSync(join(dir, 'secrets-src', '.generated', 'nats-password-ops'), tricky);
    generate(join(dir, 'secrets-src'));
    const conf = join(dir, 'conf');
    cpSync(join(ROOT, 'deploy/compose/nats'), conf, { recursive: true });
    cpSync(join(dir, 'secrets-src', 'nats'), join(conf, 'secrets'), { recursive: true });
    // The machine's nats-server may be older than the deployment's 2.10 (no sync_interval); the data
    // directory is this test's.
    const text = readFileSync(join(conf, 'nats.conf'), 'utf8').replace(/^\s*sync_interval:.*$/m, '').replace('store_dir: /data', `store_dir: ${JSON.stringify(join(dir, 'data'))}`);
    writeFileSync(join(conf, 'nats.conf'), text);
    // As the container's `. passwords.env` sets them: PW_X='"value"' gives the value with its double quotes.
    const env = Object.fromEntries(readFileSync(join(conf, 'secrets', 'passwords.env'), 'utf8').trim().split('\n').map((l) => {
      const m = /^(PW_[A-Z_]+)='(.*)'$/.exec(l);
      if (!m) throw new Error(`passwords.env line not as the hook writes it: ${l.slice(0, 12)}…`);
      return [m[1]!, m[2]!] as [string, string];
    }));
    const [port, monitor, cluster] = [await freePort(), await freePort(), await freePort()];
    const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
    const check = spawnSync(bin, ['-c', join(conf, 'nats.conf'), '-t'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env, NATS_SERVER_NAME: 'test' } });
    expect(check.status, `${check.stderr}${String(check.error ?? '')}`).toBe(0);
    Object.assign(process.env, env, { NATS_SERVER_NAME: 'test' });
    const server = new ServerProcess('nats-server', bin, ['-c', join(conf, 'nats.conf'), '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '--cluster', `nats://127.0.0.1:${cluster}`], port);
    try {
      await server.start();
      const url = `nats://127.0.0.1:${port}`;
      const once = { waitOnFirstConnect: false, maxReconnectAttempts: 0 } as const;
      for (const user of BUS_SERVICES) {
        const nc = await connectBus({ url, name: 'deploy test', env: { NATS_USER: user, NATS_PASSWORD_FILE: join(dir, 'secrets-src', user, `nats-password-${user}`) }, extra: once });
        await nc.flush();
        await nc.close();
      }
      expect(readFileSync(join(dir, 'secrets-src', 'ops', 'nats-password-ops'), 'utf8')).toBe(tricky);
      await expect(connectBus({ url, name: 'anonymous', env: {}, extra: once })).rejects.toThrow(/authorization/i);
      await expect(connectBus({ url, name: 'other', env: { NATS_USER: 'ops', NATS_PASSWORD_FILE: join(dir, 'secrets-src', 'router', 'nats-password-router') }, extra: once })).rejects.toThrow(/authorization/i);
    } finally {
      await server.stop();
      for (const key of [...Object.keys(env), 'NATS_SERVER_NAME']) delete process.env[key];
    }
  });
});
