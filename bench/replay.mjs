// Builds the bundles, then runs the known-fix replay (bench/workers/replay-bench.ts).
// Usage: node bench/replay.mjs
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [`${root}build.mjs`], { stdio: 'inherit' });
execFileSync(process.execPath, [`${root}dist/workers/replay-bench.mjs`], { stdio: 'inherit' });
