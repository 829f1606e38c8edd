// Waiting for a condition instead of sleeping: the tests' one home for it (mcp-server's tests use it too).

/** Polls `cond` every 20 ms until it holds or `ms` pass; resolves to whether it held. */
export async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** Like waitUntil, but fails the test, naming `what`, when `cond` does not hold within `ms`. */
export async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  if (!(await waitUntil(cond, ms))) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Whether a process exists, asked of the kernel (signal 0). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
