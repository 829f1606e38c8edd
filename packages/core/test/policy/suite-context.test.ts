import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyContextOf, SUITE_UNITS } from '../../src/index';

const ROOT = new URL('../../../../', import.meta.url).pathname;

describe('the suite context', () => {
  test('SUITE_UNITS is exactly the unit files in units/ and LDM_UNITS in scripts/lib/common.sh', () => {
    const files = readdirSync(join(ROOT, 'units')).filter((f) => /\.(service|timer|socket)$/.test(f));
    expect([...SUITE_UNITS].sort()).toEqual(files.sort());
    const line = /^readonly LDM_UNITS=\(([^)]*)\)/m.exec(readFileSync(join(ROOT, 'scripts/lib/common.sh'), 'utf8'));
    expect(line?.[1]!.trim().split(/\s+/).sort()).toEqual([...SUITE_UNITS].sort());
  });

  test('protects the config dir, state, logs and install prefix', () => {
    const ctx = policyContextOf({ paths: { stateDir: '/s', logDir: '/s', configFile: '/etc/ldm/config.json' }, installPrefix: '/opt/ldm' });
    expect(ctx).toEqual({ configFile: '/etc/ldm/config.json', suiteUnits: SUITE_UNITS, protectedPaths: ['/s', '/opt/ldm', '/etc/ldm'], secretFiles: [] });
  });

  test('carries the suite secrets it is given (the HTTP token file)', () => {
    const ctx = policyContextOf({ paths: { stateDir: '/s', logDir: '/l', configFile: '/etc/ldm/config.json' }, installPrefix: '/opt/ldm', secretFiles: ['/etc/ldm/http-token'] });
    expect(ctx.secretFiles).toEqual(['/etc/ldm/http-token']);
  });
});
