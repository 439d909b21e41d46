// Progress lines go to stderr so that `--json` output on stdout stays machine-readable.
export function step(message) {
  process.stderr.write(`[infra] ${message}\n`);
}

export class InfraError extends Error {}
