import { APP_NAMES } from '@rekey/contracts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Graph {
  graph: {
    nodes: Record<string, { type: 'app' | 'lib'; data: { tags: string[] } }>;
    dependencies: Record<string, { target: string }[]>;
  };
}

describe('Nx project graph', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rekey-graph-')), 'graph.json');
  execFileSync(join(__dirname, '..', '..', 'node_modules', '.bin', 'nx'), ['graph', `--file=${file}`], { stdio: 'ignore' });
  const { graph } = JSON.parse(readFileSync(file, 'utf8')) as Graph;
  const internal = (name: string) => name in graph.nodes;
  const tagged = (tag: string) => Object.keys(graph.nodes).filter((name) => graph.nodes[name].data.tags.includes(tag));

  it('has one app per deployable and tags every project with a scope and a type', () => {
    expect(tagged('type:app').sort()).toEqual([...APP_NAMES].sort());
    // Runnable projects besides the apps are tools (the benchmarks), which drive the apps from outside.
    expect(Object.entries(graph.nodes).filter(([, node]) => node.type === 'app').map(([name]) => name).sort()).toEqual([...tagged('type:app'), ...tagged('type:tool')].sort());
    for (const node of Object.values(graph.nodes)) {
      expect(node.data.tags).toEqual(expect.arrayContaining([expect.stringMatching(/^scope:/), expect.stringMatching(/^type:/)]));
    }
  });

  it('lets apps depend on libs only, and libs never on apps; only tools depend on apps (to build and run them)', () => {
    const tools = tagged('type:tool');
    for (const [source, dependencies] of Object.entries(graph.dependencies).filter(([source]) => !tools.includes(source))) {
      for (const { target } of dependencies.filter((d) => internal(d.target))) {
        expect({ source, target, type: graph.nodes[target].type }).toEqual({ source, target, type: 'lib' });
      }
    }
    expect(graph.dependencies.bots.map((d) => d.target)).toContain('platform');
  });
});
