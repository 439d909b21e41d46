// Summarizes V8 CPU profiles (from BENCH_CPU_PROF=1 npm run bench) by self time: per package or
// workspace folder, and the top functions.   node -r @swc-node/register tools/bench/profile-summary.ts <file.cpuprofile>...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<package>, a workspace folder (libs/events, apps/bots), node internals, or the engine. */
function ownerOf(url: string): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const workspace = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url === '' ? '(engine: GC, native, idle)' : url;
}

const top = (totals: Map<string, number>, all: number, count: number) =>
  [...totals].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, us]) => `  ${((100 * us) / all).toFixed(1).padStart(5)}%  ${name}`).join('\n');

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    all += us;
    const owner = ownerOf(frame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const name = `${frame.functionName || '(anonymous)'} ${owner}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  });
  process.stdout.write(`${basename(file)}: ${(all / 1e6).toFixed(1)} s busy\n by package or folder (self time):\n${top(byOwner, all, 12)}\n top functions (self time):\n${top(byFunction, all, 15)}\n\n`);
}
