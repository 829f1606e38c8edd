// Tests spawn the bundles and workers in dist/: build them once per jest run (esbuild, ~1 s).
// LDM_SKIP_BUILD=1 reuses an existing dist/ (scripts/test.sh builds just before running jest).
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  if (process.env.LDM_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [new URL('./build.mjs', import.meta.url).pathname], { stdio: 'inherit' });
}
