// Bench worker: times `count` appends into incidents.json through the DocumentStore and prints
// the latencies (ms) as one JSON line. With --raw, times writeFileAtomic of the same document
// without lock or validation instead: the baseline the store's overhead is measured against.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentStore, writeFileAtomic } from '@ldm/core';

const [stateDir, countArg, tag, mode] = process.argv.slice(2);
const count = Number(countArg);
const latencies: number[] = [];
// Limits raised so that the store holds the 5,000 incidents the bench measures against.
const store = new DocumentStore({ stateDir: stateDir!, maxIncidents: 1_000_000, limits: { incidents: { maxBytes: 64 << 20, hardMaxBytes: 64 << 20 } } });
for (let n = 0; n < count; n++) {
  const t0 = performance.now();
  if (mode === '--raw') {
    const file = join(stateDir!, 'raw.json');
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.incidents.push({ n, tag });
    await writeFileAtomic(file, `${JSON.stringify(doc, null, 1)}\n`);
  } else {
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: `${tag} bench append ${n}`, subject: tag });
  }
  latencies.push(performance.now() - t0);
}
process.stdout.write(`${JSON.stringify(latencies)}\n`);
