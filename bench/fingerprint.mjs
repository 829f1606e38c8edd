// Builds the bundles, then runs the fingerprint benchmark (bench/workers/fingerprint-bench.ts).
// Usage: node bench/fingerprint.mjs
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [`${root}build.mjs`], { stdio: 'inherit' });
execFileSync(process.execPath, [`${root}dist/workers/fingerprint-bench.mjs`], { stdio: 'inherit' });
