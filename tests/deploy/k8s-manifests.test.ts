import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const K8S = join(ROOT, 'deploy', 'k8s');
/** The overlay that runs the ingestion services in one process (services/ingest-all). */
const ONE_PROCESS = join(ROOT, 'deploy', 'k8s-ingest-in-one-process');
const SEPARATE_INGEST = ['ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat', 'ingest-grpc'];
const hasKubectl = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'kubectl')));

/** Kinds the manifests use, each validated against the Kubernetes OpenAPI schema of its class. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace, 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ServiceAccount': ServiceAccount, 'apps/v1/StatefulSet': StatefulSet, 'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role, 'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

interface K8sObject { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> }

/** The objects of a directory's manifests (its kustomization aside); the base's and the overlay's. */
function manifests(dirs: readonly string[] = [K8S, ONE_PROCESS]): { file: string; object: K8sObject }[] {
  return dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort().map((f) => join(dir, f))).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
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

  type Container = { name: string; ports: { name: string; containerPort: number }[]; env?: { name: string; value: string }[] };
  type PortRef = { name: string; port: number; targetPort: string | number };
  const containerOf = (d: K8sObject) => (d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;
  const servicePorts = (s: K8sObject) => (s.spec as { ports: PortRef[] }).ports;

  it('the one-process overlay runs ingest-all on every port of the five ingestion Deployments', () => {
    const base = manifests([K8S]).map(({ object }) => object);
    const overlay = manifests([ONE_PROCESS]).map(({ object }) => object);
    const all = overlay.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingest-all')!;
    const container = containerOf(all);
    expect(container.env).toContainEqual({ name: 'SERVICE', value: 'ingest-all' });
    const ports = container.ports.map((p) => p.containerPort);
    for (const name of SEPARATE_INGEST) {
      const separate = base.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
      for (const port of containerOf(separate).ports) expect(ports, `${name} ${port.name}`).toContain(port.containerPort);
    }
    const kustomization = parse(readFileSync(join(ONE_PROCESS, 'kustomization.yaml'), 'utf8')) as { resources: string[]; patches: { target: { kind: string; name: string } }[] };
    expect(kustomization.resources).toEqual(['../k8s', 'ingest-all.yaml']);
    for (const name of SEPARATE_INGEST) {
      for (const kind of ['Deployment', 'PodDisruptionBudget', 'Service']) expect(kustomization.patches.map((p) => p.target), `${kind} ${name}`).toContainEqual({ kind, name });
    }
  });

  it.skipIf(!hasKubectl)('kubectl kustomize renders the overlay: no separate ingestion pods, their Services select ingest-all on the same ports', () => {
    const rendered = parseAllDocuments(execFileSync('kubectl', ['kustomize', ONE_PROCESS], { encoding: 'utf8' })).map((d) => d.toJS() as K8sObject);
    const base = manifests([K8S]).map(({ object }) => object);
    const named = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    const baseDeployments = named(base, 'Deployment');
    expect(named(rendered, 'Deployment')).toEqual([...baseDeployments.filter((n) => !SEPARATE_INGEST.includes(n)), 'ingest-all'].sort());
    // Every Deployment has its budget, and the NATS StatefulSet its own.
    expect(named(rendered, 'PodDisruptionBudget')).toEqual([...named(rendered, 'Deployment'), 'nats'].sort());
    const allPorts = new Map(containerOf(rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingest-all')!).ports.map((p) => [p.name, p.containerPort]));
    for (const name of SEPARATE_INGEST) {
      const service = rendered.find((o) => o.kind === 'Service' && o.metadata.name === name)!;
      expect(service.spec, name).toMatchObject({ selector: { 'app.kubernetes.io/name': 'ingest-all' } });
      // The same Service ports as before, each reaching the container port the separate pod listened on.
      const before = base.find((o) => o.kind === 'Service' && o.metadata.name === name)!;
      const separatePorts = new Map(containerOf(base.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!).ports.map((p) => [p.name, p.containerPort]));
      expect(servicePorts(service).map((p) => [p.name, p.port])).toEqual(servicePorts(before).map((p) => [p.name, p.port]));
      for (const [i, port] of servicePorts(service).entries()) {
        expect(allPorts.get(String(port.targetPort)), `${name} ${port.name}`).toBe(separatePorts.get(String(servicePorts(before)[i]!.targetPort)));
      }
    }
  });
});
