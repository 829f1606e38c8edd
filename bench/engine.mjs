// Builds the bundles, then runs the incident engine benchmark (bench/workers/engine-bench.ts).
// Usage: node bench/engine.mjs
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [`${root}build.mjs`], { stdio: 'inherit' });
execFileSync(process.execPath, [`${root}dist/workers/engine-bench.mjs`], { stdio: 'inherit' });
