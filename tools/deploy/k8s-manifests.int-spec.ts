import { K8sObject, renderOverlay as render } from './render-overlay';

interface Container {
  name: string;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
  startupProbe: { httpGet: { path: string } };
}

interface PodSpec {
  securityContext: { runAsNonRoot: boolean };
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string } }[];
}

/** Validates against the Kubernetes OpenAPI schemas shipped in the kubernetes-models package. */
function validateAgainstSchema(object: K8sObject): void {
  const groupPath = object.apiVersion.includes('/') ? object.apiVersion : `v1`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(`kubernetes-models/${groupPath}/${object.kind}`);
  new models[object.kind](object).validate();
}

const apps = ['bots', 'tunnels', 'chat', 'tunnel-relay', 'chat-gateway'];

// Prometheus Operator resources are not in kubernetes-models: monitoring.int-spec.ts checks them.
const isOperatorResource = (object: K8sObject) => object.apiVersion.startsWith('monitoring.coreos.com/');

describe.each(['dev', 'prod'])('the %s overlay', (overlay) => {
  const objects = render(overlay);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

  it('renders objects that all validate against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThanOrEqual(14);
    for (const object of objects.filter((o) => !isOperatorResource(o))) expect(() => validateAgainstSchema(object)).not.toThrow();
    expect(objects.filter(isOperatorResource).map((o) => o.kind).sort()).toEqual(['PodMonitor', 'PrometheusRule']);
  });

  it('has a Deployment, Service, HPA and PDB per app, and the topics Job', () => {
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      expect(byKind(kind).map((o) => o.metadata.name).sort()).toEqual(apps.map((app) => `rekey-${app}`).sort());
    }
    // Plus the MQTT broker the tunnel relay notifies devices through.
    for (const kind of ['Deployment', 'Service']) {
      expect(byKind(kind).map((o) => o.metadata.name).sort()).toEqual([...apps, 'mqtt'].map((name) => `rekey-${name}`).sort());
    }
    expect(byKind('Job').map((o) => o.metadata.name)).toEqual(['rekey-topics']);
  });

  it.each(apps)('runs %s with probes, limits, a locked-down security context and secrets as files', (app) => {
    const deployment = byKind('Deployment').find((o) => o.metadata.name === `rekey-${app}`)!;
    const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
    const [container] = pod.containers;
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes.filter((v) => v.secret).map((v) => v.secret!.secretName).sort()).toEqual(['rekey-credentials', 'rekey-keyring']);
  });

  it.each(apps)('scales %s on CPU and keeps its PDB on exactly its pods', (app) => {
    const deployment = byKind('Deployment').find((o) => o.metadata.name === `rekey-${app}`)!;
    const hpa = byKind('HorizontalPodAutoscaler').find((o) => o.metadata.name === `rekey-${app}`)!;
    const pdb = byKind('PodDisruptionBudget').find((o) => o.metadata.name === `rekey-${app}`)!;
    const hpaSpec = hpa.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
    expect(hpaSpec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: `rekey-${app}` });
    expect(hpaSpec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpaSpec.maxReplicas).toBeGreaterThan(hpaSpec.minReplicas);
    expect((pdb.spec as { selector: unknown }).selector).toEqual((deployment.spec as { selector: unknown }).selector);
  });
});

describe('overlay differences', () => {
  it('gives prod more replicas than dev', () => {
    const replicas = (overlay: string) =>
      render(overlay)
        .filter((o) => o.kind === 'HorizontalPodAutoscaler')
        .map((o) => (o.spec as { minReplicas: number }).minReplicas);
    expect(Math.min(...replicas('prod'))).toBeGreaterThan(Math.max(...replicas('dev')));
  });
});
