import { describe, test, expect } from '@jest/globals';
import { chooseBackend, type ChooseDeps } from '@ldm/core';

function host(has: { init?: boolean; programs?: string[]; bwrapFails?: string; user?: boolean }): ChooseDeps {
  return {
    isRoot: !has.user,
    systemdIsInit: async () => has.init ?? false,
    which: async (name) => ((has.programs ?? []).includes(name) ? `/usr/bin/${name}` : null),
    bwrapWorks: async () => has.bwrapFails ?? null,
  };
}
const all = ['systemd-run', 'bwrap', 'prlimit', 'setpriv'];

describe('chooseBackend', () => {
  test('auto: systemd where it is PID 1 with systemd-run, else bubblewrap, else a refusal that says what to install', async () => {
    expect(await chooseBackend('auto', host({ init: true, programs: all }))).toMatchObject({ backend: 'systemd', systemdRun: '/usr/bin/systemd-run' });
    expect(await chooseBackend('auto', host({ init: false, programs: all }))).toMatchObject({ backend: 'bubblewrap' });
    const none = await chooseBackend('auto', host({ init: false, programs: ['prlimit', 'setpriv'] }));
    expect('unavailable' in none && none.unavailable).toMatch(/apt-get install bubblewrap/);
    expect('unavailable' in none && none.unavailable).toMatch(/unrestricted/);
  });

  test('bubblewrap that cannot run (no user namespaces) is not chosen, and the reason is given', async () => {
    const r = await chooseBackend('auto', host({ programs: all, bwrapFails: 'setting up uid map: Permission denied' }));
    expect('unavailable' in r && r.unavailable).toMatch(/uid map/);
  });

  test('not root: the system manager would refuse its units, so bubblewrap is used', async () => {
    expect(await chooseBackend('auto', host({ init: true, programs: all, user: true }))).toMatchObject({ backend: 'bubblewrap' });
  });

  test('a named backend is used only if it works here', async () => {
    expect(await chooseBackend('bubblewrap', host({ init: true, programs: all }))).toMatchObject({ backend: 'bubblewrap' });
    expect('unavailable' in (await chooseBackend('systemd', host({ init: false, programs: all })))).toBe(true);
  });
});
