import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Measurement } from './measure';
import { RESULTS } from './processes';

/** One line of the table: a measurement, and its ratio against the row it is compared with. */
export interface Row {
  section: string;
  name: string;
  measurement: Measurement;
  /** The figure compared and how to read it, e.g. "throughput vs ceiling" (higher is better). */
  ratio?: { value: number; meaning: string; target?: string };
  note?: string;
}

/** A throughput row of an app and the row of its ceiling, the first carrying their ratio. */
export function againstCeiling(name: string, app: Measurement, ceilingName: string, ceiling: Measurement, target?: string): Row[] {
  return [
    { section: 'Throughput', name, measurement: app, ratio: { value: app.rps / ceiling.rps, meaning: 'req/s ÷ ceiling req/s', target } },
    { section: 'Throughput', name: `ceiling: ${ceilingName}`, measurement: ceiling },
  ];
}

/**
 * The raw driver's same operation, with nothing around it: the floor under every ceiling (one
 * driver call, no HTTP), its ratio the app's req/s against it.
 */
export function floorRow(floorName: string, floor: Measurement, app: Measurement): Row {
  return { section: 'Throughput', name: `floor: ${floorName}`, measurement: floor, ratio: { value: app.rps / floor.rps, meaning: 'app req/s ÷ floor req/s' } };
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function machineFacts(extra: Record<string, string>): Record<string, string> {
  return {
    date: new Date().toISOString(),
    cores: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: `${process.version}${process.env.NODE_OPTIONS ? ` (NODE_OPTIONS=${process.env.NODE_OPTIONS})` : ''}`,
    ...extra,
  };
}

/** Writes tools/bench/results/latest.md and latest.json, and returns the Markdown. */
export function writeReport(facts: Record<string, string>, rows: Row[], sections: Record<string, string>): string {
  const lines = [
    '# Rekey benchmarks',
    '',
    `Produced by \`npm run bench\` (tools/bench/main.ts). ${Object.entries(facts).map(([k, v]) => `**${k}**: ${v}`).join(' · ')}`,
    '',
    'Absolute figures move from run to run on shared machines: read the ratios. Every row ran the same concurrency as the row it is compared with.',
    '',
  ];
  const order = ['Throughput', 'Event latency', 'Tunnel relay', 'Growth'];
  const present = [...new Set(rows.map((row) => row.section))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const section of present) {
    lines.push(`## ${section}`, '');
    if (sections[section]) lines.push(sections[section], '');
    lines.push('| row | requests | req/s | p50 ms | p99 ms | p99.9 ms | errors | ratio | target |', '|---|---:|---:|---:|---:|---:|---:|---|---|');
    for (const row of rows.filter((r) => r.section === section)) {
      const m = row.measurement;
      const ratio = row.ratio ? `**${fixed(row.ratio.value, 2)}** (${row.ratio.meaning})` : '';
      lines.push(`| ${row.name}${row.note ? ` — ${row.note}` : ''} | ${m.requests} | ${fixed(m.rps, 0)} | ${fixed(m.p50)} | ${fixed(m.p99)} | ${fixed(m.p999)} | ${m.errors} | ${ratio} | ${row.ratio?.target ?? ''} |`);
    }
    lines.push('');
  }
  const markdown = lines.join('\n');
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.md'), markdown);
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify({ facts, rows }, null, 2)}\n`);
  return markdown;
}
