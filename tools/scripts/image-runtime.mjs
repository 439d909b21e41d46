// The Node runtime of the container images: the version of deploy/docker/Dockerfile's NODE_IMAGE
// and the image's NODE_OPTIONS. The bench runs on it rather than on the host's Node, so that its
// figures are those of what production runs. The binary comes from npm (node-<platform>-<arch>,
// the official build) into the cache, once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../infra/paths.mjs';
import { root, say } from './workspace.mjs';

export function imageRuntime() {
  const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
  const version = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile)?.[1];
  if (!version) throw new Error('deploy/docker/Dockerfile: NODE_IMAGE names no exact node version');
  const nodeOptions = /\bNODE_OPTIONS=(\S+)/.exec(dockerfile)?.[1] ?? '';
  const dir = join(cacheDir, `node-${version}`);
  const execPath = join(dir, 'package', 'bin', 'node');
  if (!existsSync(execPath)) {
    say(`downloading Node ${version} (the images' runtime) from npm`);
    mkdirSync(dir, { recursive: true });
    const tarball = execFileSync('npm', ['pack', `node-${process.platform}-${process.arch}@${version}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim();
    execFileSync('tar', ['xzf', tarball], { cwd: dir });
  }
  return { execPath, nodeOptions };
}
