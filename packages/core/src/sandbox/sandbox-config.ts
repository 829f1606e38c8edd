import * as z from 'zod';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** "512M" → bytes; K, M and G are powers of 1024, as systemd reads them. */
export function parseByteSize(text: string): number {
  const m = /^(\d+)([KMG]?)$/.exec(text);
  if (!m) throw new Error(`Expected a size like 512M (digits, then K, M or G), got ${JSON.stringify(text)}`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

const MIN_MEMORY = 32 * 1024 ** 2;

const ByteSize = z.string().check((ctx) => {
  try {
    if (parseByteSize(ctx.value) < MIN_MEMORY) ctx.issues.push({ code: 'custom', input: ctx.value, message: `memoryMax must be at least 32M, got ${ctx.value}` });
  } catch (err) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: (err as Error).message });
  }
});

const SandboxPath = z.string().refine((p) => p.startsWith('/') && !p.includes('\0') && p !== '/' && !/[\s"'\\]/.test(p), {
  error: (iss) => `sandbox path must be absolute, not / itself, without blanks, quotes or backslashes; got ${JSON.stringify(iss.input)}`,
});

/**
 * `policy.sandbox`: how the commands the model chooses are contained (docs/policy.md, Containment).
 * Only the human edits it, like the rest of the policy.
 */
export const SandboxConfigSchema = z.strictObject({
  /** auto: systemd where it is PID 1 and systemd-run exists, else bubblewrap, else refuse. */
  backend: z.enum(['auto', 'systemd', 'bubblewrap']).default('auto'),
  /**
   * systemd backend: one hardened unit per server runs every command (a fork each, a few ms), rather
   * than a unit per command (a unit start with its mounts, ~100 ms). Same containment either way.
   */
  persistent: z.boolean().default(true),
  /** Besides a private /tmp, the only places a command may write (unix permissions still apply: it runs unprivileged). Ignored in read-only mode. */
  writablePaths: z.array(SandboxPath).max(64).default([]),
  /** Extra secrets hidden from every command, on top of the built-in list. */
  hiddenPaths: z.array(SandboxPath).max(256).default([]),
  /** Memory cap of one command (systemd: MemoryMax of its unit; bubblewrap: address-space limit). */
  memoryMax: ByteSize.default('512M'),
  /** Processes and threads of one command (systemd: TasksMax; bubblewrap: RLIMIT_NPROC of the sandbox uid). */
  tasksMax: z.number().int().min(8).max(65_536).default(256),
});

export type SandboxConfig = z.infer<typeof SandboxConfigSchema>;
