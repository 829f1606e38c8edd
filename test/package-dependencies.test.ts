import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Each package declares the npm packages its sources load (static or dynamic imports; type-only
// imports load nothing), and the root declares every one of those, so `npm ci` installs them.
const ROOT = join(import.meta.dirname, '..');
const PACKAGES = ['core', 'mcp-server', 'healthcheck', 'idle-watcher', 'boot-check'];

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourcesOf(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function loadedPackages(pkg: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourcesOf(join(ROOT, 'packages', pkg, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^'";]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/gm)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('node:') || spec.startsWith('@ldm/')) continue;
      names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return names;
}

const manifest = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { dependencies?: Record<string, string> };

describe('dependencies', () => {
  test.each(PACKAGES)('%s declares every package it loads, and the root installs it', (pkg) => {
    const declared = Object.keys(manifest(join(ROOT, 'packages', pkg, 'package.json')).dependencies ?? {});
    const rootDeps = Object.keys(manifest(join(ROOT, 'package.json')).dependencies ?? {});
    const loaded = [...loadedPackages(pkg)].sort();
    expect(loaded.filter((n) => !declared.includes(n))).toEqual([]);
    expect(loaded.filter((n) => !rootDeps.includes(n))).toEqual([]);
    expect(declared.filter((n) => !n.startsWith('@ldm/') && !loaded.includes(n))).toEqual([]);
  });
});
