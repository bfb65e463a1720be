import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretFiles } from '@switchboard/bus';
import { loadTokenConfig } from '@switchboard/grpc-edge';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPOSE = join(ROOT, 'deploy', 'compose', 'compose.yaml');
const EDGES = ['agent-gateway', 'queue-service'];
const hasDockerCompose = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'docker-compose')));
const SECRETS_DIR = join(ROOT, 'deploy', 'secrets');
const MOUNT = '/run/secrets/switchboard/';
const tmp = mkdtempSync(join(tmpdir(), 'sb-edge-tokens-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// The first-start step's output, as a deployment mounts it: <dir>/<consumer>/ at /run/secrets/switchboard.
execFileSync('sh', [join(SECRETS_DIR, 'generate-secrets.sh'), join(SECRETS_DIR, 'secrets.list'), tmp], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
/** `env` as the service sees it: its *_FILE paths at its own generated directory, read as the service reads them. */
function asMounted(env: Env, consumer: string): Env {
  const mounted = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, k.endsWith('_FILE') && v.startsWith(MOUNT) ? join(tmp, consumer, v.slice(MOUNT.length)) : v]));
  loadSecretFiles(mounted, ['SWITCHBOARD_JWT_SECRET']);
  return mounted as Env;
}
const generatedJwt = () => readFileSync(join(tmp, '.generated', 'switchboard-jwt-secret'), 'utf8');

type Env = Record<string, string>;

describe('bearer-token settings in deploy/', () => {
  it.skipIf(!hasDockerCompose && process.env.CI !== 'true')('compose gives both gRPC edges and ops the generated secret, issuer, audience and the optional JWKS, and they load as token settings', () => {
    const output = execFileSync('docker-compose', ['-f', COMPOSE, 'config'], { env: { PATH: process.env.PATH ?? '', SWITCHBOARD_JWKS_URL: 'https://idp.example/jwks' }, encoding: 'utf8' });
    const services = (parse(output) as { services: Record<string, { environment: Env }> }).services;
    for (const name of [...EDGES, 'ops']) {
      const env = services[name]!.environment;
      expect(env, name).toMatchObject({ SWITCHBOARD_JWT_SECRET_FILE: `${MOUNT}switchboard-jwt-secret` });
      expect(env, name).not.toHaveProperty('SWITCHBOARD_JWT_SECRET');
      if (name === 'ops') continue;
      expect(env, name).toMatchObject({ SWITCHBOARD_JWT_ISSUER: 'switchboard', SWITCHBOARD_JWT_AUDIENCE: 'switchboard' });
      expect(loadTokenConfig(asMounted(env, name)), name).toEqual({ secret: generatedJwt(), jwksUrl: 'https://idp.example/jwks', issuer: 'switchboard', jwksIssuer: 'switchboard', audience: 'switchboard' });
    }
  });

  it('the Kubernetes edges read the issuer and audience from the ConfigMap and the generated secret from their own Secret', () => {
    const docs = (file: string) => parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'k8s', file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
    const config = docs('01-config.yaml').find((d) => (d['metadata'] as { name: string }).name === 'switchboard-env')!['data'] as Env;
    const secret = docs('02-secrets.yaml')[0]!['stringData'] as Env;
    expect(config).toMatchObject({ SWITCHBOARD_JWT_ISSUER: 'switchboard', SWITCHBOARD_JWT_AUDIENCE: 'switchboard' });
    // Generated at first start (04-secrets-job.yaml), never in the operator's template.
    expect(secret).not.toHaveProperty('SWITCHBOARD_JWT_SECRET');
    for (const name of [...EDGES, 'ops']) {
      const text = readFileSync(join(ROOT, 'deploy', 'k8s', `10-${name}.yaml`), 'utf8');
      expect(text, name).toMatch(/configMapRef:\s*\n\s*name: switchboard-env/);
      expect(text, name).not.toMatch(/name: switchboard-secrets/);
      const pod = (docs(`10-${name}.yaml`).find((d) => d['kind'] === 'Deployment')!['spec'] as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec;
      const env = Object.fromEntries(pod.containers[0]!.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
      expect(env, name).toMatchObject({ SWITCHBOARD_JWT_SECRET_FILE: `${MOUNT}switchboard-jwt-secret` });
      if (name !== 'ops') expect(loadTokenConfig(asMounted({ ...config, ...env }, name)), name).toMatchObject({ secret: generatedJwt(), issuer: 'switchboard', audience: 'switchboard' });
    }
  });
});
