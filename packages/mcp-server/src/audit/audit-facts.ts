// What a tool call adds to its audit line besides its arguments: shared by the tools that report
// it, the policy gate that decides it, and the audit log that writes it.

/** What the tool reports for the audit log besides its arguments. */
export interface AuditFacts {
  /** allow | deny | confirm->accepted | confirm->declined | ... ; absent for tools that touch nothing. */
  decision?: string;
  rule?: string;
  exitCode?: number | null;
  /** How a human approved (or is asked to approve) this call. */
  approval?: ApprovalFacts;
}

/** elicitation: the human in the session; host-cli: the human on the host (ldm-mcp-server approve). */
export interface ApprovalFacts {
  id?: string;
  via: 'elicitation' | 'host-cli';
  /** Who answered on the host: uid, sudo user, tty. */
  by?: string;
}
