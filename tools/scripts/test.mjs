#!/usr/bin/env node
// `npm test`: install if needed, then lint (with module boundaries), type-check and every jest
// project, unit and integration; jest's global setup brings Kafka and the MongoDB stand-in up.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureChromium } from '../chat-demo/ensure-chromium.mjs';
import { ensureDependencies, readJson, root, runTool, say } from './workspace.mjs';

ensureDependencies();
// The chat demo's browser test drives Debian's chromium (apt-get install when missing).
ensureChromium();
const started = Date.now();
const results = join(root, 'dist', 'jest-results.json');
rmSync(results, { force: true });
mkdirSync(dirname(results), { recursive: true });
const steps = [
  ['project graph', 'nx', ['show', 'projects'], { stdio: ['ignore', 'ignore', 'inherit'] }],
  ['lint', 'eslint', ['.', '--max-warnings=0']],
  ['type-check', 'tsc', ['-p', 'tsconfig.json']],
  // --forceExit: after every test has finished and the global teardown has run, a client still
  // retrying a stopped private server (kafkajs reconnects) must not keep CI waiting.
  // One worker: the integration specs run apps, Kafka and the MongoDB stand-in on the machine's
  // cores; two specs at once on 2 cores pushed healthy database calls past the apps' 700 ms
  // "stalled" timeout (a 503 the test's single-attempt SDK client does not retry).
  ['jest', 'jest', ['--ci', '--maxWorkers=1', '--forceExit', '--json', `--outputFile=${results}`, ...process.argv.slice(2)]],
];

let failed = false;
for (const [name, tool, args, options] of steps) {
  say(`${name}...`);
  const code = await runTool(tool, args, options);
  if (code !== 0) {
    say(`${name} failed (exit ${code})`);
    failed = true;
    break;
  }
}
if (existsSync(results)) {
  const { numPassedTests, numFailedTests, numPendingTests } = readJson(results);
  process.stdout.write(`Tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped\n`);
}
say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(failed ? 1 : 0);
