// promtool (Debian's prometheus package) for the monitoring tests: checks and unit-tests the alert
// rules and parses the dashboard's queries.
import { spawnSync } from 'node:child_process';
import { run } from './commands.mjs';
import { InfraError, step } from './log.mjs';

const onPath = () => !spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error;

/** Command name of promtool, installing the `prometheus` package with apt-get on first use. */
export function ensurePromtool() {
  if (onPath()) return 'promtool';
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error) {
    throw new InfraError("'promtool' was not found on the PATH; install Prometheus's promtool (Debian/Ubuntu: apt-get install prometheus).");
  }
  step('promtool: installing the prometheus package with apt-get (first run only)');
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    // A fresh machine has no package lists yet.
    run('apt-get', ['update']);
    install();
  }
  return 'promtool';
}
