import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPOSE = join(ROOT, 'deploy', 'compose', 'compose.yaml');
/** Layered over COMPOSE: the ingestion services in one process (services/ingest-all). */
const ONE_PROCESS = join(ROOT, 'deploy', 'compose', 'ingest-in-one-process.yaml');
const SEPARATE_INGEST = ['ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat', 'ingest-grpc'];
const hasDockerCompose = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'docker-compose')));
/** Nothing to set: every secret Switchboard mints is generated at first start (deploy/secrets), the platforms' own are optional. */
const NO_SECRETS: Record<string, string> = {};

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; image?: string; volumes?: string[]; ports?: string[]; profiles?: string[] }>;
}

function composeConfig(env: Record<string, string>, files: readonly string[] = [COMPOSE]): { status: number; output: string } {
  try {
    const output = execFileSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, output };
  } catch (error) {
    const e = error as { status: number; stderr: string };
    return { status: e.status, output: e.stderr };
  }
}

describe('deploy/compose', () => {
  // CI installs Debian's docker-compose (.ci/run); a developer without it still gets the checks below.
  it.skipIf(!hasDockerCompose && process.env.CI !== 'true')('docker-compose config accepts the file with no secret set: each service reads its generated ones from files', () => {
    const ok = composeConfig(NO_SECRETS);
    expect(ok.status, ok.output).toBe(0);
    const resolved = parse(ok.output) as ComposeFile;
    expect(resolved.services['ingest-phone']!.environment).toMatchObject({ PHONE_WEBHOOK_SECRET_FILE: '/run/secrets/switchboard/phone-webhook-secret', SB_STREAM_REPLICAS: '3', SERVICE: 'ingest-phone' });
    expect(resolved.services['ingest-phone']!.environment).not.toHaveProperty('PHONE_WEBHOOK_SECRET');
    const layered = composeConfig(NO_SECRETS, [COMPOSE, ONE_PROCESS]);
    expect(layered.status, layered.output).toBe(0);
    const combined = parse(layered.output) as ComposeFile;
    expect(combined.services['ingest-all']!.environment).toMatchObject({ SERVICE: 'ingest-all', PHONE_WEBHOOK_SECRET_FILE: '/run/secrets/switchboard/phone-webhook-secret',
      CHAT_SESSION_SECRET_FILE: '/run/secrets/switchboard/chat-session-secret', INGEST_GRPC_TOKEN_FILE: '/run/secrets/switchboard/ingest-grpc-token' });
    for (const name of SEPARATE_INGEST) expect(combined.services[name]!.profiles, name).toEqual(['ingest-separate']);
    // A platform's own secret set in .env still reaches its service.
    const twilio = parse(composeConfig({ TWILIO_AUTH_TOKEN: 't' }).output) as ComposeFile;
    expect(twilio.services['ingest-phone']!.environment).toMatchObject({ TWILIO_AUTH_TOKEN: 't' });
  });

  const file = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as ComposeFile;
  const oneProcess = parse(readFileSync(ONE_PROCESS, 'utf8'), { merge: true }) as ComposeFile;

  it('runs every service, a three-node NATS cluster with fsync on every write, and Redis with AOF', () => {
    const services = readdirSync(join(ROOT, 'services')).filter((name) => existsSync(join(ROOT, 'services', name, 'src', 'main.ts')));
    // ingest-all runs only in the one-process layering (below); every other service in compose.yaml.
    for (const name of services) expect((name === 'ingest-all' ? oneProcess : file).services[name]?.environment?.SERVICE, name).toBe(name);
    expect(Object.keys(file.services).filter((name) => name.startsWith('nats-'))).toHaveLength(3);
    const nats = readFileSync(join(ROOT, 'deploy', 'compose', 'nats', 'nats.conf'), 'utf8');
    expect(nats).toMatch(/sync_interval:\s*always/);
    // The routes carry the generated route password: the first-start step writes them (deploy/secrets/hooks).
    expect(nats).toMatch(/cluster\s*\{[^}]*include "secrets\/cluster\.conf"/s);
    expect(file.services.secrets!.environment).toMatchObject({ NATS_ROUTE_HOSTS: 'nats-1:6222 nats-2:6222 nats-3:6222' });
    expect(file.services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'everysec']));
    expect(file.services.router!.environment).toMatchObject({ SB_STREAM_REPLICAS: '3' });
  });

  it('traces go through the collector to Jaeger, Prometheus scrapes every HTTP service, Grafana has the dashboard', () => {
    expect(file.services.router!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(readFileSync(join(ROOT, 'deploy/compose/otel/collector.yaml'), 'utf8')).toContain('endpoint: jaeger:4317');
    const prometheus = parse(readFileSync(join(ROOT, 'deploy/compose/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string }[] };
    const jobs = prometheus.scrape_configs.map((c) => c.job_name);
    for (const name of ['router', 'ops', 'ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat']) expect(jobs).toContain(name);
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/compose/grafana/dashboards/switchboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of ['sb_queue_depth', 'sb_queue_oldest_wait_seconds', 'sb_queue_service_level_ratio', 'sb_routing_latency_seconds_bucket', 'sb_offer_results_total', 'sb_ingest_results_total', 'sb_outbox_lag_records']) {
      expect(exprs).toContain(metric);
    }
  });

  it('ingest-in-one-process.yaml parks the five ingestion containers and runs ingest-all with all their ports and variables, scraped once', () => {
    const all = oneProcess.services['ingest-all']!;
    for (const name of SEPARATE_INGEST) {
      expect(oneProcess.services[name]!.profiles, name).toEqual(['ingest-separate']);
      const separate = file.services[name]!;
      for (const port of separate.ports ?? []) expect(all.ports, `${name} ${port}`).toContain(port);
      for (const [key, value] of Object.entries(separate.environment!)) {
        // Its own NATS user (ingest-all, allowed what the five do) instead of each service's.
        if (!['SERVICE', 'HEALTH_PORT', 'NATS_USER', 'NATS_PASSWORD_FILE'].includes(key)) expect(all.environment![key], `${name} ${key}`).toBe(value);
      }
    }
    const jobs = (path: string) => (parse(readFileSync(join(ROOT, 'deploy/compose/prometheus', path), 'utf8')) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] }).scrape_configs;
    const others = (list: ReturnType<typeof jobs>) => list.filter((j) => !j.job_name.startsWith('ingest-'));
    const variant = jobs('prometheus-ingest-in-one-process.yml');
    expect(others(variant)).toEqual(others(jobs('prometheus.yml')));
    expect(variant.filter((j) => j.job_name.startsWith('ingest-'))).toEqual([{ job_name: 'ingest-all', metrics_path: '/metrics', static_configs: [{ targets: ['ingest-all:7101'] }] }]);
    expect(oneProcess.services.prometheus!.volumes).toEqual(['./prometheus/prometheus-ingest-in-one-process.yml:/etc/prometheus/prometheus.yml:ro']);
  });
});
