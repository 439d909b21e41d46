#!/usr/bin/env node
// `npm run bench`: install npm packages if needed, then run a benchmark (default
// tools/bench/main.ts; see tools/bench/README.md) on the images' Node runtime (BENCH_NODE=host: on
// this Node), passing its exit code on.
import { spawn } from 'node:child_process';
import { imageRuntime } from './image-runtime.mjs';
import { ensureDependencies, root } from './workspace.mjs';

ensureDependencies();
const file = process.argv[2] ?? 'tools/bench/main.ts';
const runtime = process.env.BENCH_NODE === 'host' ? { execPath: process.execPath, nodeOptions: process.env.NODE_OPTIONS ?? '' } : imageRuntime();
spawn(runtime.execPath, ['-r', '@swc-node/register', file], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: runtime.nodeOptions } }).on('exit', (code, signal) =>
  process.exit(code ?? (signal ? 1 : 0)),
);
