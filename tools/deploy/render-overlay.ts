import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

const root = join(__dirname, '..', '..');
let kustomize: string | undefined;

/** The objects `kustomize build` makes of an overlay of deploy/k8s. */
export function renderOverlay(overlay: string): K8sObject[] {
  kustomize ??= execFileSync(process.execPath, [join(root, 'tools', 'infra', 'cli.mjs'), 'kustomize'], { encoding: 'utf8' }).trim();
  const yaml = execFileSync(kustomize, ['build', join(root, 'deploy', 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as K8sObject);
}
