import * as z from 'zod';

// Pending and given approvals of actions the policy would not let the model take alone. The MCP
// server adds one when it cannot ask the human in the session; the human answers it on the host
// (ldm-mcp-server approve); the session that asked redeems it once. Only root writes state.json.

/** At most this many approvals are kept; expired and answered ones go first. */
export const MAX_APPROVALS = 64;
/** At most this many unanswered approvals per session: one session cannot crowd out the others. */
export const MAX_PENDING_PER_SESSION = 8;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'used'] as const;

const short = (n: number) => z.string().max(n);

export const ApprovalSchema = z.looseObject({
  /** Short, random, unique among the kept approvals. */
  id: z.string().regex(/^[a-z0-9]{4,16}$/),
  tool: short(64),
  /** The action as the human reads it (a command line, "write /etc/x"), cut to a bound. */
  action: short(20_000),
  /** True when `action` was cut: the hash still binds the whole action. */
  actionCut: z.boolean().default(false),
  /** The rest of the action the approval binds: cwd, content hash and size, stdin hash. */
  details: z.record(z.string().max(64), short(4096)).default({}),
  /** The first part of a file's content or a command's stdin, for the human to read. */
  preview: short(4096).optional(),
  /** sha256 (hex) of the canonical action: tool plus every argument that changes what happens. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  rule: short(300),
  reason: short(1000),
  session: z.looseObject({
    /** sha256 (hex) of the session's private key: only that session can redeem it. */
    key: z.string().regex(/^[0-9a-f]{64}$/),
    /** For the human: transport, client name, pid or session id prefix. */
    label: short(300),
  }),
  requestedAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  decidedAt: z.string().optional(),
  /** Who answered and how: "host-cli uid 0 (sudo from alice) on /dev/pts/1". */
  decidedBy: short(300).optional(),
  usedAt: z.string().optional(),
});

/**
 * The approvals field of state.json. An unreadable list counts as no approvals at all (fails
 * closed) rather than as a corrupt state.json that would be moved aside with every session's
 * heartbeat.
 */
export const ApprovalsFieldSchema = z.array(ApprovalSchema).max(MAX_APPROVALS).optional().catch(undefined);

export type Approval = z.infer<typeof ApprovalSchema>;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
