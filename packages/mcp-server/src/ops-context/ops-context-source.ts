import type { ServerDeps } from '../server/deps';
import { buildOpsContext, type OpsContext } from './ops-context';

/** Reads alerts and patterns fresh for each result (two small files; other binaries change them). */
export class OpsContextSource {
  constructor(private readonly deps: Pick<ServerDeps, 'store' | 'config' | 'logger'>) {}

  async for(text: string | string[], subject?: string): Promise<OpsContext | null> {
    try {
      const [state, patterns] = await Promise.all([this.deps.store.read('state'), this.deps.store.read('patterns')]);
      const lines = (Array.isArray(text) ? text : [text]).flatMap((t) => t.split('\n'));
      return buildOpsContext({
        lines,
        subject,
        alerts: state.alerts,
        patterns: patterns.patterns,
        ...(patterns.fingerprinter ? { fingerprinter: patterns.fingerprinter } : {}),
        minConfidence: this.deps.config.learn.suggestionMinConfidence,
      });
    } catch (err) {
      // Context is a help, not a requirement: a broken state file must not fail the command's result.
      this.deps.logger.warn(`couldn't build ops context: ${(err as Error).message}`);
      return null;
    }
  }
}
