// Tests spawn the bundles and workers in dist/: build them once per jest run (esbuild, ~1 s).
import { execFileSync } from 'node:child_process';

export default function globalSetup() {
  execFileSync(process.execPath, [new URL('./build.mjs', import.meta.url).pathname], { stdio: 'inherit' });
}
