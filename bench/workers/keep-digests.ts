// Bench helper: leaves in STATE_DIR/state.json the briefing digests that the suite's writers keep
// there, so a state written by a bench script looks like one the suite wrote.
// usage: keep-digests.mjs STATE_DIR
import { DocumentStore, digestOf, keepBriefingDigests } from '@ldm/core';

const [stateDir] = process.argv.slice(2);
if (!stateDir) {
  process.stderr.write('usage: keep-digests STATE_DIR\n');
  process.exit(64);
}
const store = new DocumentStore({ stateDir, onWritten: keepBriefingDigests });
const state = await store.read('state');
await digestOf(store, 'incidents', state.digests);
await digestOf(store, 'patterns', state.digests);
