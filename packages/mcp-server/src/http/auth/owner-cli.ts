import { randomInt } from 'node:crypto';
import { revokeGrant, startPair } from './grant-book';
import type { Grant } from './oauth-document';
import type { OAuthFile } from './oauth-file';

export interface OwnerCliDeps {
  file: Pick<OAuthFile, 'read' | 'update' | 'path'>;
  now: () => number;
  out: (text: string) => void;
  err: (text: string) => void;
  isRoot: boolean;
  pairTtlMs: number;
  pairAttempts: number;
  /** The connector URL to show, when http.publicUrl is set. */
  connectorUrl: string | null;
  newCode?: () => string;
}

// No 0/O, 1/I/L: the owner reads the code off a terminal and types it into a browser.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** 8 characters, about 40 bits: with 5 tries per code, guessing one is out of reach. */
export function newPairCode(): string {
  const c = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${c.slice(0, 4)}-${c.slice(4)}`;
}

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace('T', ' '));

/** Pure: the grants as a table, newest first. */
export function formatGrants(grants: Grant[]): string {
  if (!grants.length) return 'No OAuth grants. A client gets one through the consent page and `ldm-mcp-server pair`.\n';
  const rows = [['ID', 'CLIENT', 'SCOPE', 'REDIRECT', 'CREATED', 'LAST USED']];
  for (const g of [...grants].sort((a, b) => b.createdAt - a.createdAt)) {
    rows.push([g.id, g.clientName.slice(0, 40), g.scopes.includes('mcp:operate') ? 'operate' : 'read', g.redirectHost.slice(0, 40), when(g.createdAt), when(g.lastUsedAt)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * `ldm-mcp-server pair` and `ldm-mcp-server grants [revoke ID]`: the owner's side of OAuth, on
 * the host. Root only: being root on the host is what the pairing code stands for.
 */
export async function runOwnerCommand(verb: 'pair' | 'grants', operands: string[], d: OwnerCliDeps): Promise<number> {
  if (!d.isRoot) {
    d.err(`ldm-mcp-server ${verb} must run as root (sudo ldm-mcp-server ${verb}): the OAuth state ${d.file.path} is root's alone\n`);
    return 77;
  }
  if (verb === 'pair') {
    if (operands.length) return usage(d, `pair takes no operands, got ${JSON.stringify(operands.join(' '))}`);
    const code = (d.newCode ?? newPairCode)();
    await d.file.update((doc) => startPair(doc, code, d.now(), d.pairTtlMs, d.pairAttempts));
    d.out(
      `Pairing code: ${code}\n` +
        `Type it on the consent page your client opened. It is valid for ${Math.round(d.pairTtlMs / 60_000)} minutes, once; ` +
        `${d.pairAttempts} wrong tries make it void. A new \`pair\` replaces it.\n` +
        (d.connectorUrl ? `Connector URL for ChatGPT and claude.ai: ${d.connectorUrl}\n` : ''),
    );
    return 0;
  }
  if (operands.length === 0) {
    d.out(formatGrants((await d.file.read()).grants.filter((g) => g.refresh.expiresAt > d.now())));
    return 0;
  }
  if (operands[0] !== 'revoke' || operands.length !== 2) return usage(d, `expected \`grants\` or \`grants revoke ID\`, got ${JSON.stringify(operands.join(' '))}`);
  const id = operands[1]!;
  const gone = await d.file.update((doc) => revokeGrant(doc, id));
  if (!gone) {
    d.err(`no grant ${JSON.stringify(id)}; \`ldm-mcp-server grants\` lists them\n`);
    return 1;
  }
  d.out(`Revoked ${gone.id} (${gone.clientName}): its tokens no longer work.\n`);
  return 0;
}

function usage(d: OwnerCliDeps, why: string): number {
  d.err(`${why}\n`);
  return 64;
}
