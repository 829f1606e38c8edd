// Test worker: a program under the guard that fails in the way argv[2] says.
// usage: guarded-program.mjs MODE --state-dir DIR   (MODE: throw | reject-oneshot | survive-resident | drain | verdict-code)
import { runProgram, EXIT } from '@ldm/core';

const mode = process.argv[2];
await runProgram(
  { name: 'ldm-guard-test', summary: 'guard test worker', resident: mode === 'survive-resident' },
  async () => {
    if (mode === 'throw') throw new Error('the check exploded', { cause: new Error('disk on fire') });
    // Nothing left to run and main never settles: what a stream that never finishes does.
    if (mode === 'drain') return new Promise<number>(() => {});
    // An error that asks for a Nagios verdict as its exit code.
    if (mode === 'verdict-code') throw Object.assign(new Error('not really a warning'), { exitCode: 1 });
    if (mode === 'reject-oneshot') {
      void Promise.reject(new Error('stray rejection'));
      await new Promise((r) => setTimeout(r, 5000));
      return EXIT.OK;
    }
    // A resident process: a failure inside one "request" must not end it.
    setTimeout(() => {
      throw new Error('one tool call failed');
    }, 10);
    await new Promise((r) => setTimeout(r, 300));
    process.stdout.write('still serving\n');
    return EXIT.OK;
  },
  { argv: process.argv.slice(3), env: process.env, cwd: process.cwd(), stdout: process.stdout },
);
