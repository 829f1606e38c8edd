// A host that looks like a systemd host to the daemons: sh scripts stand in for systemctl,
// journalctl and timedatectl (each call still costs a fork+exec, as the real ones do).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes the stand-ins into DIR/bin and makes DIR/run-systemd-system (point LDM_SYSTEMD_RUNTIME_DIR
 * at it for "systemd is running"). `systemctl` is the body of its script (a `case "$1"`).
 * Returns the bin dir, the runtime dir and a PATH with the stand-ins first.
 */
export function fakeSystemd(dir, systemctl) {
  const bin = join(dir, 'bin');
  const runtime = join(dir, 'run-systemd-system');
  mkdirSync(bin, { recursive: true });
  mkdirSync(runtime, { recursive: true });
  const scripts = { systemctl, journalctl: 'echo "-- No entries --"', timedatectl: 'printf "NTP=yes\\nNTPSynchronized=yes\\n"' };
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, runtime, path: `${bin}:${process.env.PATH}` };
}
