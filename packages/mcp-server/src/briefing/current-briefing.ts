import type { ServerDeps } from '../server/deps';
import { buildBriefing, DEFAULT_LIMITS } from './build-briefing';
import { gatherSnapshot } from './gather-snapshot';

/**
 * The briefing as the model receives it: built from the documents now, with the texts taken from
 * them redacted (alert texts and incident summaries come from other programs).
 */
export async function currentBriefing(deps: Pick<ServerDeps, 'store' | 'config' | 'paths' | 'proc' | 'now' | 'policy'>): Promise<string> {
  return buildBriefing(await gatherSnapshot(deps), deps.policy.redactSecrets, DEFAULT_LIMITS);
}
