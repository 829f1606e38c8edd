// Test worker: takes the lock on a document the way the store does (inside an update that never
// ends), says "locked", and holds it until killed. usage: hold-lock.mjs STATE_DIR DOCUMENT
import { DocumentStore, type DocumentName } from '@ldm/core';

const [stateDir, name] = process.argv.slice(2);
// A pending promise alone does not keep node running.
setInterval(() => {}, 1_000_000);
const store = new DocumentStore({ stateDir: stateDir! });
await store.update(name as DocumentName, () => {
  process.stdout.write('locked\n');
  return new Promise<void>(() => {});
});
