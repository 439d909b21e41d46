// kustomize, built once from the Go module proxy into the cache, for the manifest tests.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommand, run } from './commands.mjs';
import { step } from './log.mjs';
import { binDir } from './paths.mjs';

const KUSTOMIZE_VERSION = '5.7.1';

/** Path of the cached kustomize binary, installing it on first use. */
export function ensureKustomize() {
  const dir = join(binDir, `kustomize-${KUSTOMIZE_VERSION}`);
  const binary = join(dir, 'kustomize');
  if (existsSync(binary)) return binary;
  requireCommand('go', 'build kustomize (install Go 1.22+)');
  step(`kustomize: installing ${KUSTOMIZE_VERSION} with go (first run only)`);
  mkdirSync(dir, { recursive: true });
  run('go', ['install', `sigs.k8s.io/kustomize/kustomize/v5@v${KUSTOMIZE_VERSION}`], {
    env: { ...process.env, GOTOOLCHAIN: 'local', GOBIN: dir },
  });
  return binary;
}
