// Test worker: takes the lock on a document the way the store does, says "locked", and holds it
// until killed. usage: hold-lock.mjs FILE LOCK_STALE_MS
import lockfile from 'proper-lockfile';

const [file, staleArg] = process.argv.slice(2);
await lockfile.lock(file!, { realpath: false, stale: Number(staleArg) });
process.stdout.write('locked\n');
setInterval(() => {}, 1_000_000);
