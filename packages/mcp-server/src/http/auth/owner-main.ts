import type { ProgramContext } from '@ldm/core';
import { OAuthFile } from './oauth-file';
import { oauthFileOf } from './oauth-path';
import { runOwnerCommand } from './owner-cli';

/** The I/O of `ldm-mcp-server pair|grants`: oauth.json, the terminal, the uid. */
export async function ownerMain(verb: 'pair' | 'grants', ctx: ProgramContext): Promise<number> {
  const http = ctx.config.http;
  return runOwnerCommand(verb, ctx.args.positionals, {
    file: new OAuthFile(oauthFileOf(ctx.paths.stateDir, http.oauth.file)),
    now: Date.now,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isRoot: process.getuid?.() === 0,
    pairTtlMs: http.oauth.pairCodeMin * 60_000,
    pairAttempts: http.oauth.pairAttempts,
    connectorUrl: http.publicUrl ? `${new URL(http.publicUrl).origin}/mcp` : null,
  });
}
