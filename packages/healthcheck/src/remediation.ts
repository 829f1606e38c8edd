import {
  decideAutoRemediation,
  newIncidentId,
  type Config,
  type DocumentStore,
  type IncidentEngine,
  type Logger,
  type RecordOutcome,
  type RestartRecord,
  type RunCommand,
} from '@ldm/core';
import { mayRestart, type RestartCap } from './restart-cap';

export interface RemediationInput {
  outcome: RecordOutcome;
  /** Runs the finding's check again and says whether the problem is gone. */
  recheck: () => Promise<boolean>;
  store: DocumentStore;
  engine: IncidentEngine;
  config: Config;
  runCommand: RunCommand;
  now: () => Date;
  logger: Logger;
  /** The restart history; a record is pushed for every fix that runs. */
  restarts: RestartRecord[];
}

export interface RemediationResult {
  ran: boolean;
  worked?: boolean;
  note: string;
}

/** Pure: a learned command line as argv. Quotes are refused rather than guessed at. */
export function splitCommand(command: string): string[] {
  if (/["'\\]/.test(command)) throw new Error(`refusing to run ${JSON.stringify(command)} automatically: quoting is not supported without a shell`);
  return command.trim().split(/\s+/).filter(Boolean);
}

/**
 * A new incident with a known fix: the fix is always logged; it is run only when learn.autoRemediation
 * is on, decideAutoRemediation agrees and the restart cap allows it. The run is recorded as an
 * incident of its own, and the original incident is resolved with worked = the re-check passed,
 * which is what teaches the pattern whether the fix still works.
 */
export async function remediate(input: RemediationInput): Promise<RemediationResult> {
  const { outcome, logger } = input;
  const suggestion = outcome.suggestion;
  if (!suggestion) return { ran: false, note: 'no known fix' };
  const advice = `known fix for "${outcome.incident.summary}": ${suggestion.action} (worked ${suggestion.successes} of ${suggestion.successes + suggestion.failures} times, pattern ${suggestion.patternId})`;
  logger.notice(advice);
  const patterns = await input.store.read('patterns');
  const pattern = patterns.patterns.find((p) => p.id === suggestion.patternId);
  if (!pattern) return { ran: false, note: advice };
  const decision = decideAutoRemediation(pattern, {
    enabled: input.config.learn.autoRemediation,
    allow: input.config.learn.autoRemediationAllow,
  });
  if (!decision.apply) return { ran: false, note: `${advice}; not applied automatically: ${decision.reason}` };
  const target = outcome.incident.subject ?? pattern.id;
  const cap: RestartCap = input.config.healthcheck.restartCap;
  if (!mayRestart(input.restarts, target, input.now(), cap)) {
    return { ran: false, note: `${advice}; not applied: ${target} reached the cap of ${cap.max} automatic actions in ${cap.windowMin} min` };
  }
  const commands = decision.resolution.commands;
  let ranOk = true;
  const output: string[] = [];
  for (const command of commands) {
    try {
      const res = await input.runCommand(splitCommand(command), { timeoutMs: 60_000 });
      output.push(`${command}: exit ${res.exitCode}${res.stderr.trim() ? `: ${res.stderr.trim().split('\n')[0]}` : ''}`);
      if (res.exitCode !== 0) {
        ranOk = false;
        break;
      }
    } catch (err) {
      output.push(`${command}: ${(err as Error).message}`);
      ranOk = false;
      break;
    }
  }
  const worked = ranOk && (await input.recheck().catch(() => false));
  const at = input.now().toISOString();
  input.restarts.push({ at, kind: 'remediation', target, reason: `pattern ${pattern.id}: ${commands.join(' && ')}`, ok: worked });
  const summary = `auto-remediation: ran ${commands.join(' && ')} for pattern ${pattern.id}: ${worked ? 'worked' : 'failed'}`;
  await input.store.update('incidents', (doc) => {
    doc.incidents.push({
      id: newIncidentId(input.now()),
      time: at,
      lastSeen: at,
      count: 1,
      source: 'healthcheck',
      severity: worked ? 'info' : 'warn',
      subject: target,
      summary,
      evidence: [`for incident ${outcome.incident.id}: ${outcome.incident.summary}`, ...output],
      fingerprints: [],
      status: 'resolved',
      resolvedAt: at,
      resolution: { time: at, text: 'automatic action, recorded for the audit trail', commands, worked, by: 'ldm-healthcheck' },
    });
  });
  await input.engine.resolve({
    id: outcome.incident.id,
    resolution: `auto-remediation: ${decision.resolution.action}`,
    commands,
    worked,
    by: 'ldm-healthcheck (automatic)',
  });
  (worked ? logger.notice : logger.warn)(summary);
  return { ran: true, worked, note: summary };
}
