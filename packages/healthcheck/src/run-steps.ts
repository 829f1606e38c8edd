import { failureText, visibleText, type FixStep, type HostRunner } from '@ldm/core';

/**
 * Runs the steps a fix gate let through, in order, on the host; stops at the first that fails.
 * One line of output per step run, shown safely (control characters visible). The one runner of
 * both automatic actions: learned fixes (remediation.ts) and an owner's check's action (heal.ts).
 */
export async function runSteps(steps: readonly FixStep[], runHost: HostRunner, limits: { timeoutMs: number; maxOutputBytes: number }): Promise<{ ranOk: boolean; output: string[] }> {
  const output: string[] = [];
  for (const step of steps) {
    const res = await runHost(step.argv!, limits);
    if (res.exitCode !== 0) {
      output.push(visibleText(failureText(step.command, res, 1), 500));
      return { ranOk: false, output };
    }
    output.push(`${step.command}: exit 0`);
  }
  return { ranOk: true, output };
}
