import {
  decideAutoRemediation,
  type Config,
  type DocumentStore,
  type FixStep,
  type HostRunner,
  type IncidentEngine,
  type Logger,
  type PolicyContext,
  type RecordOutcome,
  type RestartRecord,
  visibleText,
} from '@ldm/core';
import { recordAction } from './action-record';
import { runSteps } from './run-steps';
import { mayRestart, stampOf, type BootClock, type RestartCap } from './restart-cap';

export interface RemediationInput {
  outcome: RecordOutcome;
  /** Runs the finding's check again and says whether the problem is gone. */
  recheck: () => Promise<boolean>;
  store: DocumentStore;
  engine: IncidentEngine;
  config: Config;
  /** The suite's own units, config and directories: the same context as the MCP server's gate. */
  policyContext: PolicyContext;
  /** The host runner the MCP server's typed tools use too (core's runOnHost). */
  runHost: HostRunner;
  now: () => Date;
  logger: Logger;
  /** The restart history; a record is pushed for every fix that runs. */
  restarts: RestartRecord[];
  /** This boot's id and uptime, so the cap is judged on the boot clock across a wall-clock step. */
  boot?: BootClock;
}

export interface RemediationResult {
  ran: boolean;
  worked?: boolean;
  note: string;
}

const FIX_TIMEOUT_MS = 60_000;
const FIX_OUTPUT_BYTES = 64 * 1024;

/**
 * Pure: what the log and the healthcheck's output say about a fix the policy keeps from running.
 * The command is learned text (the model can teach fixes), so it is shown with its hidden characters visible.
 */
export function blockedNote(advice: string, step: FixStep, configFile: string): string {
  const command = visibleText(step.command);
  const what = `"${command}"`;
  const reason = visibleText(step.reason, 500);
  switch (step.verdict) {
    case 'deny':
      return `${advice}; never applied automatically: ${what} is denied by policy rule ${step.rule} (${reason})`;
    case 'confirm':
      return (
        `${advice}; not applied automatically: ${what} needs a human's approval (${step.rule}: ${reason}). ` +
        `To apply it, run it yourself (sudo ${command}) or ask the assistant, whose typed tools ask you first`
      );
    case 'not-authorised':
      return `${advice}; not applied automatically: ${what} matches no rule in learn.autoRemediationAllow; add one in ${configFile} to let it run unattended`;
    default:
      return `${advice}; not applied automatically: ${reason}`;
  }
}

/**
 * A new incident with a known fix: the fix is always logged; it is run only when learn.autoRemediation
 * is on, decideAutoRemediation agrees, the policy lets every command run unattended (gateFix: never on
 * a deny or a confirmation, only what learn.autoRemediationAllow pre-authorises) and the restart cap
 * allows it. The run is recorded as an incident of its own, and the original incident is resolved
 * with worked = the re-check passed, which is what teaches the pattern whether the fix still works.
 */
export async function remediate(input: RemediationInput): Promise<RemediationResult> {
  const { outcome, logger } = input;
  const suggestion = outcome.suggestion;
  if (!suggestion) return { ran: false, note: 'no known fix' };
  const advice = `known fix for "${visibleText(outcome.incident.summary)}": ${visibleText(suggestion.action)} (worked ${suggestion.successes} of ${suggestion.successes + suggestion.failures} times, pattern ${suggestion.patternId})`;
  logger.notice(advice);
  const patterns = await input.store.read('patterns');
  const pattern = patterns.patterns.find((p) => p.id === suggestion.patternId);
  if (!pattern) return { ran: false, note: advice };
  const decision = decideAutoRemediation(pattern, {
    enabled: input.config.learn.autoRemediation,
  });
  if (!decision.apply) return { ran: false, note: `${advice}; not applied automatically: ${decision.reason}` };
  const commands = decision.resolution.commands;
  const { gateFix } = await import('./fix-gate-chunk');
  const gate = gateFix(commands, { policy: input.config.policy, ctx: input.policyContext, preAuthorised: input.config.learn.autoRemediationAllow });
  if (!gate.run) {
    const note = blockedNote(advice, gate.blocker!, input.policyContext.configFile);
    (gate.blocker!.verdict === 'deny' ? logger.warn : logger.notice)(note);
    return { ran: false, note };
  }
  const target = outcome.incident.subject ?? pattern.id;
  const cap: RestartCap = input.config.healthcheck.restartCap;
  if (!mayRestart(input.restarts, target, input.now(), cap, input.boot)) {
    return { ran: false, note: `${advice}; not applied: ${target} reached the cap of ${cap.max} automatic actions in ${cap.windowMin} min` };
  }
  const { ranOk, output } = await runSteps(gate.steps, input.runHost, { timeoutMs: FIX_TIMEOUT_MS, maxOutputBytes: FIX_OUTPUT_BYTES });
  const worked = ranOk && (await input.recheck().catch(() => false));
  const shown = visibleText(commands.join(' && '));
  input.restarts.push({ ...stampOf(input.now(), input.boot), kind: 'remediation', target, reason: `pattern ${pattern.id}: ${shown}`, ok: worked });
  const summary = `auto-remediation: ran ${shown} for pattern ${pattern.id}: ${worked ? 'worked' : 'failed'}`;
  await recordAction(input.store, { at: input.now(), target, summary, evidence: [`for incident ${outcome.incident.id}: ${outcome.incident.summary}`, ...output], commands, worked });
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
