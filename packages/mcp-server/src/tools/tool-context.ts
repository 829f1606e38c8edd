import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { JobOwner } from '@ldm/core';
import type { ServerDeps } from '../server/deps';
import type { PolicyGate } from '../policy/policy-gate';
import type { OpsContextSource } from '../ops-context/ops-context-source';
import type { HostSampler } from '../host/host-sampler';

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  deps: ServerDeps;
  /** This call's gate: it knows the session, the request's stream and the approval_id presented. */
  gate: PolicyGate;
  ops: OpsContextSource;
  /** Keeps the previous CPU sample so system_status reports the load since the last call. */
  sampler: HostSampler;
  /** The session (and client identity) this call's background jobs belong to. */
  jobOwner: JobOwner;
  /**
   * While a long call runs: notifications/progress every few seconds on the call's stream, when
   * the client sent a progressToken (else nothing). Returns the stop.
   */
  progress: (message: string) => () => void;
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
}

export type { Server };
