import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One Dockerfile instruction, continuation lines joined. */
interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** A small Dockerfile reader: no image can be built on these machines, so the file is linted instead. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  let stage = -1;
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), args: rest.join(' '), stage };
  });
}

describe('deploy/docker/Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(join(__dirname, '..', '..', 'deploy', 'docker', 'Dockerfile'), 'utf8'));
  const finalStage = Math.max(...instructions.map((i) => i.stage));
  const final = instructions.filter((i) => i.stage === finalStage);
  const all = (keyword: string) => instructions.filter((i) => i.keyword === keyword);

  it('is multi-stage on an exactly pinned Node 22 image (the version the bench runs on, tools/scripts/image-runtime.mjs)', () => {
    const baseImage = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='))?.args.split('=')[1];
    expect(baseImage).toMatch(/^node:22\.\d+\.\d+-[\w.-]+$/);
    expect(all('FROM').length).toBeGreaterThanOrEqual(3);
    for (const from of all('FROM')) expect(from.args).not.toMatch(/:latest\b/);
  });

  it('ships production dependencies only, built output only', () => {
    expect(instructions.some((i) => i.keyword === 'RUN' && /npm (ci|install) .*--omit=dev/.test(i.args))).toBe(true);
    const copies = final.filter((i) => i.keyword === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).toMatch(/^--from=/);
    expect(final.find((i) => i.keyword === 'ENV')?.args).toContain('NODE_ENV=production');
  });

  it('runs AsyncLocalStorage on async context frames (no promise hooks on every promise)', () => {
    expect(final.find((i) => i.keyword === 'ENV')?.args).toMatch(/\bNODE_OPTIONS=--experimental-async-context-frame\b/);
  });

  it('runs as a non-root user with node as PID 1, exec form, and a health check', () => {
    const user = final.filter((i) => i.keyword === 'USER').at(-1);
    expect(user?.args).toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    const cmd = final.filter((i) => i.keyword === 'CMD').at(-1)!;
    expect(() => JSON.parse(cmd.args)).not.toThrow();
    expect(JSON.parse(cmd.args)[0]).toBe('node');
    expect(final.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('/health/live'))).toBe(true);
  });

  it('adds nothing from the network at build time', () => {
    expect(all('ADD')).toEqual([]);
    for (const run of all('RUN')) expect(run.args).not.toMatch(/\b(curl|wget)\b/);
  });
});
