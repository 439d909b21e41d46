import { spawnSync } from 'node:child_process';
import { InfraError } from './log.mjs';

/** Fails with one clear line when a tool that provisioning needs is not on the PATH. */
export function requireCommand(command, why) {
  const probe = spawnSync(command, ['-version'], { stdio: 'ignore' });
  if (probe.error) {
    throw new InfraError(`'${command}' was not found on the PATH; it is needed to ${why}.`);
  }
}

/** Runs a provisioning command, streaming nothing; on failure the error carries its output. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new InfraError(`${command} ${args.join(' ')} failed:\n${output || result.error}`);
  }
  return result.stdout;
}
