// A sandbox for spawning the bundled daemons: fake /proc (LDM_PROC_ROOT), fake systemctl,
// journalctl and timedatectl first on PATH, and a fake /run/systemd/system (LDM_SYSTEMD_RUNTIME_DIR).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProc, type ProcFixture } from './proc-fixture';

export const ROOT = new URL('../../../../', import.meta.url).pathname;

export interface E2eEnv {
  dir: string;
  procRoot: string;
  stateDir: string;
  configFile: string;
  /** Sets what a fake command prints for argv matching `pattern` (a shell case pattern over "$*"). */
  answer(program: 'systemctl' | 'journalctl' | 'timedatectl', pattern: string, stdout: string, exitCode?: number): void;
  /** argv lines the fake commands were called with. */
  calls(): string[];
  run(binary: string, args: string[], extraEnv?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  writeProc(fixture: ProcFixture): Promise<void>;
}

export async function e2eEnv(config: unknown = {}, fixture: ProcFixture = {}): Promise<E2eEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-e2e-'));
  const procRoot = join(dir, 'proc');
  const bin = join(dir, 'bin');
  const answers = join(dir, 'answers');
  const runtime = join(dir, 'run-systemd-system');
  for (const d of [bin, answers, runtime, join(dir, 'mnt')]) mkdirSync(d, { recursive: true });
  const mounts = `/dev/fake ${join(dir, 'mnt')} ext4 rw 0 0\nproc /proc proc rw 0 0\n`;
  await writeProc(procRoot, { mounts, ...fixture });
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const table: Record<string, Array<{ pattern: string; file: string; code: number }>> = { systemctl: [], journalctl: [], timedatectl: [] };
  const writeScript = (program: string) => {
    const cases = table[program]!.map((a) => `  ${a.pattern}) cat '${a.file}'; exit ${a.code} ;;`).join('\n');
    const script = `#!/bin/sh\necho "${program} $*" >> '${join(dir, 'calls.log')}'\ncase "$*" in\n${cases}\n  *) echo "fake ${program}: no answer for: $*" >&2; exit 1 ;;\nesac\n`;
    writeFileSync(join(bin, program), script);
    chmodSync(join(bin, program), 0o755);
  };
  for (const p of Object.keys(table)) writeScript(p);
  let n = 0;
  return {
    dir,
    procRoot,
    stateDir: join(dir, 'state'),
    configFile,
    answer(program, pattern, stdout, exitCode = 0) {
      const file = join(answers, `${program}-${n++}.txt`);
      writeFileSync(file, stdout);
      table[program] = [{ pattern, file, code: exitCode }, ...table[program]!.filter((a) => a.pattern !== pattern)];
      writeScript(program);
    },
    calls() {
      try {
        return readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    run(binary, args, extraEnv = {}) {
      const r = spawnSync(process.execPath, [join(ROOT, 'dist', `${binary}.mjs`), ...args, '--state-dir', join(dir, 'state'), '--config', configFile], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LDM_PROC_ROOT: procRoot, LDM_SYSTEMD_RUNTIME_DIR: runtime, ...extraEnv },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async writeProc(f) {
      await writeProc(procRoot, { mounts, ...f });
    },
  };
}
