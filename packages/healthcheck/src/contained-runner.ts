import type { CommandResult, RunCommand, SandboxChoice } from '@ldm/core';

const PLUGIN_OUTPUT_BYTES = 64 * 1024;

/**
 * The owner's Nagios plugins run in the same containment as the model's commands (core/src/sandbox),
 * never as unconfined root. The sandbox is opened on first use only: most runs have no plugin.
 */
export function containedRunner(open: () => Promise<SandboxChoice>): RunCommand {
  let choice: Promise<SandboxChoice> | undefined;
  return async (argv, options = {}): Promise<CommandResult> => {
    const chosen = await (choice ??= open());
    if ('unavailable' in chosen) throw new Error(`no containment sandbox, so the plugin is not run: ${chosen.unavailable}`);
    const handle = chosen.sandbox.launch({ argv, cwd: '/', maxBufferBytes: PLUGIN_OUTPUT_BYTES, killGraceMs: 1000 });
    const stop = () => handle.kill();
    options.signal?.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(stop, options.timeoutMs ?? 30_000);
    try {
      const exit = await handle.exited;
      if (exit.spawnError) throw new Error(`couldn't run ${JSON.stringify(argv.join(' '))}: ${exit.spawnError}`);
      if (exit.exitCode === null) throw new Error(`${argv[0]} was killed (${exit.note ?? exit.signal ?? 'timeout'})`);
      return { stdout: handle.stdout.text(), stderr: handle.stderr.text(), exitCode: exit.exitCode };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
  };
}
