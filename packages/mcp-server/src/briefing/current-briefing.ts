import type { ServerDeps } from '../server/deps';
import { buildBriefing, DEFAULT_LIMITS, truncateBytes } from './build-briefing';
import { gatherSnapshot } from './gather-snapshot';

/**
 * The briefing as the model receives it: built from the documents now, secrets redacted (alert
 * texts and incident summaries come from other programs), still within the byte limit afterwards.
 */
export async function currentBriefing(deps: Pick<ServerDeps, 'store' | 'config' | 'paths' | 'proc' | 'now' | 'policy'>): Promise<string> {
  const text = buildBriefing(await gatherSnapshot(deps), DEFAULT_LIMITS);
  return truncateBytes(deps.policy.redactSecrets(text), DEFAULT_LIMITS.maxBytes);
}
