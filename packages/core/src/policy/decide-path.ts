// The pure half of the file tools' policy. The path must already be resolved by
// resolvePathForPolicy: this function does no I/O and refuses anything not canonical.
import type { PolicyConfig } from './policy-config';
import type { PathDecision, PolicyContext } from './types';
import { isCanonicalPath, isPathWithin, pathPatternMatches } from './path-match';
import { isAccessControlFile, isKernelInterface, isSecretDir, isSecretFile, isStartupFile, isSuiteFile, isSystemLocation } from './protected-paths';

export type PathOp = 'read' | 'write' | 'list';

/**
 * Decides whether a file tool may `op` the resolved path. Precedence: built-in deny > config deny >
 * outside config allow > config confirmWrite > built-in confirm > allow.
 */
export function decidePath(resolvedPath: string, op: PathOp, policy: PolicyConfig, ctx: PolicyContext): PathDecision {
  const d = (action: PathDecision['action'], rule: string, reason: string): PathDecision => ({ action, rule, reason, path: resolvedPath });
  if (!isCanonicalPath(resolvedPath))
    return d('deny', 'builtin:deny:unresolved-path', `${JSON.stringify(resolvedPath)} is not an absolute, normalised path; resolve it first`);
  const write = op === 'write';
  const p = resolvedPath;

  if (isSecretFile(p)) return d('deny', 'builtin:deny:secret-file', `${p} holds secrets (passwords or private keys)`);
  if (isSecretDir(p) && op !== 'list') return d('deny', 'builtin:deny:secret-file', `${p} holds private keys`);
  if ((ctx.secretFiles ?? []).some((f) => isPathWithin(p, f)))
    return d('deny', 'builtin:deny:suite-secret', `${p} holds linux-devops-mcp's own secret (the HTTP token); the model never reads it`);
  if (write) {
    if (isSuiteFile(p, ctx)) return d('deny', 'builtin:deny:suite-files', `${p} belongs to linux-devops-mcp itself (its config, state or units); the model may not change it`);
    if (isAccessControlFile(p)) return d('deny', 'builtin:deny:access-control', `writing ${p} would change who can log in or become root`);
    if (isKernelInterface(p)) return d('deny', 'builtin:deny:kernel-interface', `${p} is a kernel or device interface; the file tools do not write there`);
    if (policy.mode === 'read-only') return d('deny', 'mode:read-only', `policy.mode is read-only: no writes (${p})`);
  }

  const denied = policy.paths.deny.findIndex((pat) => pathPatternMatches(pat, p));
  if (denied !== -1) return d('deny', `config:policy.paths.deny[${denied}]`, `${p} matches policy.paths.deny ${JSON.stringify(policy.paths.deny[denied])}`);
  // Listing a parent of an allowed directory is needed to navigate to it, and reveals only names.
  const allowed = policy.paths.allow.some((pat) => pathPatternMatches(pat, p) || (op === 'list' && !/[*?]/.test(pat) && pat.startsWith(p === '/' ? '/' : p + '/')));
  if (!allowed) return d('deny', 'config:policy.paths.allow', `${p} is outside policy.paths.allow (${policy.paths.allow.join(', ')})`);

  if (write) {
    const c = policy.paths.confirmWrite.findIndex((pat) => pathPatternMatches(pat, p));
    if (c !== -1) return d('confirm', `config:policy.paths.confirmWrite[${c}]`, `writing ${p} matches policy.paths.confirmWrite ${JSON.stringify(policy.paths.confirmWrite[c])}`);
    if (policy.mode !== 'unrestricted' && isSystemLocation(p))
      return d('confirm', 'builtin:confirm:system-write', `writing ${p} changes system configuration or software`);
    if (policy.mode !== 'unrestricted' && isStartupFile(p))
      return d('confirm', 'builtin:confirm:startup-file', `${p} is run or trusted when a user logs in or a shell starts`);
  }
  return d('allow', 'default', `${op} ${p} is within the allowed paths`);
}
