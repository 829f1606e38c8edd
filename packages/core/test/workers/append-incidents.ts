// Test worker: appends incidents to one state dir and acknowledges each on stdout only after
// appendIncident resolved, so the parent knows which appends must survive a SIGKILL.
// CLOCK_OFFSET_MS shifts this process's wall clock (Date.now and new Date()), as a clock step or
// libfaketime would.
// INCIDENTS_MAX_BYTES raises incidents.json's size limit, for a test that needs a big file.
// usage: append-incidents.mjs STATE_DIR COUNT TAG [LOCK_STALE_MS] [CLOCK_OFFSET_MS] [INCIDENTS_MAX_BYTES]
import { DocumentStore, keepBriefingDigests } from '@ldm/core';

const [stateDir, countArg, tag, staleArg, offsetArg, maxBytesArg] = process.argv.slice(2);
if (!stateDir || !countArg || !tag) {
  process.stderr.write('usage: append-incidents STATE_DIR COUNT TAG [LOCK_STALE_MS] [CLOCK_OFFSET_MS]\n');
  process.exit(64);
}
const offset = Number(offsetArg ?? 0);
if (offset) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(realNow() + offset);
      else super(...(args as [string]));
    }
    static override now() {
      return realNow() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
const maxBytes = Number(maxBytesArg ?? 0);
const limits = maxBytes ? { incidents: { maxBytes, hardMaxBytes: 2 * maxBytes } } : undefined;
// With the briefing cache, as the programs' stores (run-program.ts).
const store = new DocumentStore({ stateDir, lockStaleMs: Number(staleArg ?? 10_000), limits, onWritten: keepBriefingDigests });
const count = Number(countArg);
for (let n = 0; n < count; n++) {
  const incident = await store.appendIncident({ source: 'mcp', severity: 'info', summary: `${tag} append ${n}`, subject: tag });
  process.stdout.write(`ack ${incident.id}\n`);
}
process.stdout.write('done\n');
