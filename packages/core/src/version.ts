import { readFileSync } from 'node:fs';

declare const LDM_VERSION: string | undefined;

function versionFromPackageJson(): string {
  try {
    const url = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0-dev';
  }
}

/** The suite's version: baked in by the bundler, read from package.json when run from source (tests). */
export const VERSION: string = typeof LDM_VERSION === 'string' ? LDM_VERSION : versionFromPackageJson();
