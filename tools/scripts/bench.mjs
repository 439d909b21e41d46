#!/usr/bin/env node
// `npm run bench`: install npm packages if needed, then run a benchmark (default
// tools/bench/main.ts; see tools/bench/README.md), passing its exit code on.
import { spawn } from 'node:child_process';
import { ensureDependencies, root } from './workspace.mjs';

ensureDependencies();
const file = process.argv[2] ?? 'tools/bench/main.ts';
spawn(process.execPath, ['-r', '@swc-node/register', file], { cwd: root, stdio: 'inherit' }).on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
