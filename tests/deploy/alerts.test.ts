import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RULES = join(ROOT, 'deploy', 'compose', 'prometheus', 'alerts.yml');
const hasPromtool = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'promtool')));

interface Rule { alert: string; expr: string; for?: string; labels?: Record<string, string> }

const rules = (): Rule[] => (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

/** Fires RoutingStreamNearlyFull and RouterCheckpointStale after 5 minutes, ContactsStreamNearlyFull only at 0.8 and over. */
const UNIT_TESTS = `
rule_files: [${JSON.stringify(RULES)}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - { series: 'sb_stream_usage_ratio{stream="ROUTING",instance="r1"}', values: '0.95x10' }
      - { series: 'sb_stream_usage_ratio{stream="ROUTING",instance="r2"}', values: '0.5x10' }
      - { series: 'sb_stream_usage_ratio{stream="CONTACTS",instance="r1"}', values: '0.7x10' }
      - { series: 'sb_router_checkpoint_age_seconds{domain="d1",instance="r1"}', values: '700x10' }
      - { series: 'sb_router_checkpoint_age_seconds{domain="d2",instance="r1"}', values: '30x10' }
    promql_expr_test:
      - { expr: 'ALERTS{alertstate="firing"}', eval_time: 3m, exp_samples: [] }
      - expr: 'ALERTS{alertstate="firing"}'
        eval_time: 6m
        exp_samples:
          - { labels: 'ALERTS{alertname="RoutingStreamNearlyFull",alertstate="firing",severity="warning",stream="ROUTING"}', value: 1 }
          - { labels: 'ALERTS{alertname="RouterCheckpointStale",alertstate="firing",severity="critical",domain="d1"}', value: 1 }
  - interval: 1m
    input_series:
      - { series: 'sb_stream_usage_ratio{stream="CONTACTS",instance="r1"}', values: '0.85x10' }
    promql_expr_test:
      - expr: 'ALERTS{alertstate="firing"}'
        eval_time: 6m
        exp_samples:
          - { labels: 'ALERTS{alertname="ContactsStreamNearlyFull",alertstate="firing",severity="critical",stream="CONTACTS"}', value: 1 }
`;

describe('alert rules', () => {
  it('alert on a nearly full ROUTING and CONTACTS and on a stale router checkpoint', () => {
    const byName = new Map(rules().map((r) => [r.alert, r]));
    expect([...byName.keys()].sort()).toEqual(['ContactsStreamNearlyFull', 'RouterCheckpointStale', 'RoutingStreamNearlyFull']);
    expect(byName.get('RoutingStreamNearlyFull')).toMatchObject({ expr: expect.stringMatching(/sb_stream_usage_ratio\{stream="ROUTING"\}\) > 0\.9$/), for: '5m' });
    expect(byName.get('ContactsStreamNearlyFull')).toMatchObject({ expr: expect.stringMatching(/sb_stream_usage_ratio\{stream="CONTACTS"\}\) > 0\.8$/) });
    expect(byName.get('RouterCheckpointStale')).toMatchObject({ expr: expect.stringMatching(/sb_router_checkpoint_age_seconds\) > 600$/), for: '5m' });
  });

  it('are loaded by the compose Prometheus and shipped verbatim as a ConfigMap in the kustomization', () => {
    const prometheus = parse(readFileSync(join(ROOT, 'deploy/compose/prometheus/prometheus.yml'), 'utf8')) as { rule_files: string[] };
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const compose = parse(readFileSync(join(ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, { volumes?: string[] }> };
    expect(compose.services.prometheus!.volumes).toContain('./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro');
    const [configMap] = parseAllDocuments(readFileSync(join(ROOT, 'deploy/k8s/03-alert-rules.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; data: Record<string, string> });
    expect(configMap).toMatchObject({ kind: 'ConfigMap' });
    expect(configMap!.data['alerts.yml']).toBe(readFileSync(RULES, 'utf8'));
    expect((parse(readFileSync(join(ROOT, 'deploy/k8s/kustomization.yaml'), 'utf8')) as { resources: string[] }).resources).toContain('03-alert-rules.yaml');
  });

  // Debian's prometheus package ships promtool; without it the checks above still run.
  it.skipIf(!hasPromtool)('pass promtool check and fire exactly when they should (promtool test rules)', () => {
    execFileSync('promtool', ['check', 'rules', RULES], { stdio: 'pipe' });
    const dir = mkdtempSync(join(tmpdir(), 'sb-alerts-'));
    try {
      writeFileSync(join(dir, 'alerts.test.yml'), UNIT_TESTS);
      const run = () => execFileSync('promtool', ['test', 'rules', join(dir, 'alerts.test.yml')], { encoding: 'utf8', stdio: 'pipe' });
      expect(run).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
