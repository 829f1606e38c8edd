// Test worker: appends COUNT lines "TAG N" to one rotating file, as several processes (stdio MCP
// sessions, daemons) do with audit.log and error.log, then prints "done".
// usage: append-log-lines.mjs FILE COUNT TAG MAX_BYTES FILES
import { RotatingFile } from '@ldm/core';

const [file, countArg, tag, maxArg, filesArg] = process.argv.slice(2);
if (!file || !countArg || !tag || !maxArg || !filesArg) {
  process.stderr.write('usage: append-log-lines FILE COUNT TAG MAX_BYTES FILES\n');
  process.exit(64);
}
const log = new RotatingFile({ file, maxBytes: Number(maxArg), files: Number(filesArg), mode: 0o640 });
for (let n = 0; n < Number(countArg); n++) await log.append(`${tag} ${n} ${'x'.repeat(40)}\n`);
process.stdout.write('done\n');
