import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadTokenConfig } from '@switchboard/grpc-edge';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPOSE = join(ROOT, 'deploy', 'compose', 'compose.yaml');
const EDGES = ['agent-gateway', 'queue-service'];
const hasDockerCompose = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'docker-compose')));
const SECRETS = { PHONE_WEBHOOK_SECRET: 'p', CHAT_SESSION_SECRET: 'c', INGEST_GRPC_TOKEN: 'g', SWITCHBOARD_JWT_SECRET: 'j'.repeat(32), GRAFANA_ADMIN_PASSWORD: 'a' };

type Env = Record<string, string>;

describe('bearer-token settings in deploy/', () => {
  it.skipIf(!hasDockerCompose && process.env.CI !== 'true')('compose gives both gRPC edges the secret, issuer, audience and the optional JWKS, and they load as token settings', () => {
    const output = execFileSync('docker-compose', ['-f', COMPOSE, 'config'], { env: { PATH: process.env.PATH ?? '', ...SECRETS, SWITCHBOARD_JWKS_URL: 'https://idp.example/jwks' }, encoding: 'utf8' });
    const services = (parse(output) as { services: Record<string, { environment: Env }> }).services;
    for (const name of EDGES) {
      const env = services[name]!.environment;
      expect(env, name).toMatchObject({ SWITCHBOARD_JWT_SECRET: SECRETS.SWITCHBOARD_JWT_SECRET, SWITCHBOARD_JWT_ISSUER: 'switchboard', SWITCHBOARD_JWT_AUDIENCE: 'switchboard' });
      expect(loadTokenConfig(env), name).toEqual({ secret: SECRETS.SWITCHBOARD_JWT_SECRET, jwksUrl: 'https://idp.example/jwks', issuer: 'switchboard', jwksIssuer: 'switchboard', audience: 'switchboard' });
    }
  });

  it('the Kubernetes edges read the issuer and audience from the ConfigMap and the secret from the Secret', () => {
    const docs = (file: string) => parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'k8s', file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
    const config = docs('01-config.yaml').find((d) => (d['metadata'] as { name: string }).name === 'switchboard-env')!['data'] as Env;
    const secret = docs('02-secrets.yaml')[0]!['stringData'] as Env;
    expect(config).toMatchObject({ SWITCHBOARD_JWT_ISSUER: 'switchboard', SWITCHBOARD_JWT_AUDIENCE: 'switchboard' });
    expect(secret).toHaveProperty('SWITCHBOARD_JWT_SECRET');
    // The Secret ships empty (no shared placeholder); a deployment fills it.
    expect(loadTokenConfig({ ...config, ...secret, SWITCHBOARD_JWT_SECRET: 'k'.repeat(32) })).toMatchObject({ issuer: 'switchboard', audience: 'switchboard' });
    for (const name of EDGES) {
      const text = readFileSync(join(ROOT, 'deploy', 'k8s', `10-${name}.yaml`), 'utf8');
      expect(text, name).toMatch(/configMapRef:\s*\n\s*name: switchboard-env/);
      expect(text, name).toMatch(/secretRef:\s*\n\s*name: switchboard-secrets/);
    }
  });
});
