// Peak RSS and wall time of each binary's --version, run from its bundle, against `node -e 0`
// measured in the same run. usage: node bench/startup.mjs   (after node build.mjs)
import { measureProcess, fmt } from './lib/measure.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const dist = new URL('../dist/', import.meta.url).pathname;
const rows = [['node -e 0 (baseline)', measureProcess([process.execPath, '-e', '0'], { runs })]];
for (const bin of ['ldm-mcp-server', 'ldm-healthcheck', 'ldm-idle-watcher', 'ldm-boot-check']) {
  rows.push([`${bin} --version`, measureProcess([process.execPath, `${dist}${bin}.mjs`, '--version'], { runs })]);
}
console.log(`--version from the bundle, median of ${runs} runs (${process.version})`);
console.log('command | wall ms | peak RSS MB (median) | peak RSS MB (max)');
for (const [name, m] of rows) console.log(`${name} | ${fmt(m.wallMs, 0)} | ${fmt(m.rssMb)} | ${fmt(m.rssMaxMb)}`);
