// The contract between the fingerprinting engine (learn/fingerprint/) and the incident/pattern engine.

export interface FingerprintResult {
  /** Stable id of the template, e.g. "f3a9c2e1b0d4": the same template always gives the same id. */
  fingerprint: string;
  /** The message with variable parts replaced by <*>. */
  template: string;
}
