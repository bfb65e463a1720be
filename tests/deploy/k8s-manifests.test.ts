import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const K8S = join(ROOT, 'deploy', 'k8s');

/** Kinds the manifests use, each validated against the Kubernetes OpenAPI schema of its class. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace, 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

interface K8sObject { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> }

function manifests(): { file: string; object: K8sObject }[] {
  return readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((doc) => {
      expect(doc.errors, file).toEqual([]);
      return { file, object: doc.toJS() as K8sObject };
    }).filter(({ object }) => object !== null));
}

const servicesWithMain = () => readdirSync(join(ROOT, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(ROOT, 'services', d.name)).includes('src'))
  .filter((d) => readdirSync(join(ROOT, 'services', d.name, 'src')).includes('main.ts')).map((d) => d.name);

describe('deploy/k8s', () => {
  const all = manifests();

  it('every object validates against the Kubernetes schema of its kind', () => {
    for (const { file, object } of all) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${file}: ${object.apiVersion} ${object.kind} has no schema here`).toBeDefined();
      expect(() => new Model!(object as never).validate(), `${file}: ${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('rejects a broken manifest (the validation is real)', () => {
    const deployment = structuredClone(all.find(({ object }) => object.kind === 'Deployment')!.object);
    (deployment.spec as { replicas: unknown }).replicas = 'two';
    expect(() => new Deployment(deployment as never).validate()).toThrow();
  });

  it('deploys every service with probes, resources, a PodDisruptionBudget, and the router with an autoscaler', () => {
    const of = (kind: string) => all.filter(({ object }) => object.kind === kind).map(({ object }) => object);
    const deployments = new Map(of('Deployment').map((d) => [d.metadata.name, d]));
    for (const name of servicesWithMain()) {
      const deployment = deployments.get(name);
      expect(deployment, `${name} has no Deployment`).toBeDefined();
      const container = (deployment!.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!;
      expect(container, name).toHaveProperty('livenessProbe');
      expect(container, name).toHaveProperty('readinessProbe');
      expect(container, name).toHaveProperty('resources.requests.cpu');
      expect(of('PodDisruptionBudget').map((p) => p.metadata.name), name).toContain(name);
      expect(of('Service').map((s) => s.metadata.name), name).toContain(name);
    }
    expect(of('HorizontalPodAutoscaler')[0]).toMatchObject({ spec: { scaleTargetRef: { kind: 'Deployment', name: 'router' } } });
    const config = of('ConfigMap').find((c) => c.metadata.name === 'switchboard-config')!;
    expect(JSON.parse(config.data!['routing-rules.json']!)).toEqual(JSON.parse(readFileSync(join(ROOT, 'services/router/config/routing-rules.json'), 'utf8')));
    expect(of('ConfigMap').find((c) => c.metadata.name === 'switchboard-env')!.data).toMatchObject({ SB_STREAM_REPLICAS: '3' });
  });
});
