import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { redactSecrets, type ProgramContext } from '@ldm/core';
import { AuditLog } from '../audit/audit-log';
import { ApprovalStore } from './approval-store';
import { runApprovalCommand, whoAnswers, type ApprovalVerb } from './approve-cli';

function terminalOf(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** The I/O of `ldm-mcp-server approve|reject`: the state dir's approvals, the audit log, the terminal. */
export async function approveMain(verb: ApprovalVerb, ctx: ProgramContext): Promise<number> {
  const { config, paths, store, logger } = ctx;
  const audit = new AuditLog({
    file: join(paths.logDir, 'audit.log'),
    maxBytes: config.mcp.auditMaxBytes,
    files: config.mcp.auditFiles,
    redact: redactSecrets,
    onError: (err) => logger.error(`couldn't write the audit log: ${err.message}`),
  });
  const tty = process.stdin.isTTY ? terminalOf(0) : null;
  return runApprovalCommand(verb, ctx.args.positionals, ctx.args.values.yes === true, {
    approvals: new ApprovalStore(store, () => new Date()),
    audit: (entry) => audit.append(entry),
    now: () => new Date(),
    out: (text) => void process.stdout.write(text),
    ask: process.stdin.isTTY ? askOnTerminal : null,
    who: whoAnswers(process.getuid?.() ?? -1, ctx.env, tty),
  });
}
