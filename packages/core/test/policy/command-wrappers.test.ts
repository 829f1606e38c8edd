import { describe, test, expect } from '@jest/globals';
import { decideCommand, PolicyConfigSchema } from '@ldm/core';
import { WRAPPERS, SHELLS } from '../../src/policy/command-wrappers';
import { CTX } from './corpus';

const standard = PolicyConfigSchema.parse({});

// One way to wrap `rm -rf /` per wrapper (%s is the inner command). A wrapper added to the table
// without a line here fails the first test.
const WRAPPED: Record<string, string[]> = {
  sudo: ['sudo %s', 'sudo -u root -- %s', 'sudo --us=root %s'],
  sudoedit: [],
  doas: ['doas -u root %s'],
  su: ["su -c '%s'", "su root -c '%s'", "su - root --comm='%s'"],
  runuser: ['runuser -u root -- %s', "runuser root -c '%s'"],
  env: ['env %s', 'env -i A=1 %s', "env -S '%s'", 'env --split-s="%s"', 'env -C /tmp %s'],
  nice: ['nice %s', 'nice -n5 %s', 'nice -5 %s', 'nice --adj 5 %s', 'nice --adjustment=5 %s'],
  ionice: ['ionice -c3 %s', 'ionice --cl 3 %s'],
  timeout: ['timeout 5 %s', 'timeout -s KILL 5 %s', 'timeout --sig=KILL --kill 9 5 %s', 'timeout --foreground 5 %s'],
  nohup: ['nohup %s'],
  builtin: ["builtin eval '%s'"],
  setsid: ['setsid -f %s'],
  stdbuf: ['stdbuf -oL %s', 'stdbuf --out L %s'],
  command: ['command %s', 'command -p %s'],
  exec: ['exec %s', 'exec -a x %s'],
  busybox: ['busybox %s'],
  toybox: ['toybox %s'],
  // A bare `time` is the shell keyword (only -p); the program takes -o.
  time: ['time %s', 'time -p %s', '/usr/bin/time -o /tmp/t %s', '/usr/bin/time --out /tmp/t %s'],
  'systemd-inhibit': ['systemd-inhibit %s', 'systemd-inhibit --why x %s'],
  chroot: ['chroot / %s'],
  setpriv: ['setpriv --reuid=0 %s', 'setpriv --reu 0 --nnp %s'],
  prlimit: ['prlimit --nofile=10 %s', 'prlimit -n10 %s', 'prlimit --nof %s'],
  choom: ['choom -n 1000 -- %s', 'choom --adj 1000 %s'],
  taskset: ['taskset 1 %s', 'taskset -c 0 %s'],
  chrt: ['chrt -o 0 %s', 'chrt --other 0 %s'],
  nsenter: ['nsenter -t 1 -m %s', 'nsenter --target 1 --mount %s', 'nsenter -a -t1 %s'],
  unshare: ['unshare -m %s', 'unshare --mount-proc %s', 'unshare -r --map-user=0 %s'],
  'systemd-run': ['systemd-run %s', 'systemd-run --uni x -p MemoryMax=1G %s', 'systemd-run --scope %s'],
  'start-stop-daemon': ['start-stop-daemon --start --exec /bin/rm -- -rf /', 'start-stop-daemon -S -x /bin/rm -- -rf /'],
  strace: ['strace %s', 'strace -f -o /tmp/t %s', "strace -o '|%s' true", "strace -o'!%s' true"],
  ltrace: ['ltrace %s', 'ltrace -o /tmp/t %s'],
  xargs: ['xargs %s < /dev/null', 'xargs -i %s < /dev/null', 'xargs -0 -P0 -n1 %s < /dev/null'],
  watch: ["watch '%s'", 'watch -n1 -d %s', 'watch -x %s'],
  flock: ["flock /tmp/l -c '%s'", 'flock /tmp/l %s', 'flock -w 5 /tmp/l %s'],
  sg: ["sg root -c '%s'"],
  script: ["script -qc '%s' /dev/null", "script --comm '%s' /dev/null"],
  ssh: ["ssh host '%s'"],
  eval: ["eval '%s'"],
  trap: ["trap '%s' EXIT"],
  source: [],
  '.': [],
  find: ['find /tmp -exec %s \\;'],
  parallel: [],
  expect: [],
  tmux: [],
  screen: [],
  dtach: [],
};

describe('the wrapper table', () => {
  test('every wrapper has its wrapped forms listed here', () => {
    expect(Object.keys(WRAPPED).sort()).toEqual(Object.keys(WRAPPERS).sort());
  });
  const cases = Object.entries(WRAPPED).flatMap(([w, forms]) => forms.map((f) => [w, f.replace('%s', 'rm -rf /')] as const));
  test.each(cases)('%s: %j checks the inner command', (_w, command) => {
    expect(decideCommand({ command }, standard, CTX).action).toBe('deny');
  });
  test.each(cases.filter(([w]) => w !== 'find' && w !== 'start-stop-daemon'))('%s: %j with a harmless inner command is not denied', (_w, command) => {
    const harmless = command.replace('rm -rf /', 'df -h');
    expect(decideCommand({ command: harmless }, standard, CTX).action).not.toBe('deny');
  });
  test.each(['parallel rm ::: a', 'expect -c x', 'tmux new ls', 'screen -dm ls', 'dtach -n /tmp/s ls', 'sudoedit /etc/hosts'])('%j: what it runs cannot be seen, or it edits', (command) => {
    expect(decideCommand({ command }, standard, CTX).action).not.toBe('allow');
  });
  test('shells are not in the table: they have their own grammar', () => {
    for (const s of SHELLS) expect(WRAPPERS[s]).toBeUndefined();
  });
});
