// The contract between the policy engine (policy/) and its callers (the MCP server's tools).
// Pure decisions: no I/O happens behind these types.

export type PolicyAction = 'allow' | 'deny' | 'confirm';

export interface CommandDecision {
  action: PolicyAction;
  /** The rule that decided, e.g. "builtin:deny:rm-root" or "config:policy.allow[2]". */
  rule: string;
  /** One sentence for the human and the model: what was matched and why. */
  reason: string;
  /** Every simple command found inside the input (pipelines, $(), sh -c ...), as argv arrays. */
  commands: string[][];
}

export interface PathDecision {
  action: 'allow' | 'deny' | 'confirm';
  rule: string;
  reason: string;
  /** The resolved path the decision applies to. */
  path: string;
}

/** What the policy needs to know about the suite itself, so it can protect it. */
export interface PolicyContext {
  /** The suite's config file (its own policy): never writable by the model. */
  configFile: string;
  /** The suite's units, e.g. ["ldm-healthcheck.service", ...]: the model may not stop or disable them. */
  suiteUnits: string[];
  /** The suite's install and state directories: protected from writes through the file tools. */
  protectedPaths: string[];
  /** The suite's own secrets (the HTTP bearer token file): never read by the file tools. */
  secretFiles?: string[];
}
