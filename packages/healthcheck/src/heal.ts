import {
  subjectOf,
  visibleText,
  type CustomCheck,
  type DocumentStore,
  type HostRunner,
  type IncidentEngine,
  type Logger,
  type PolicyConfig,
  type PolicyContext,
  type RecordOutcome,
  type RestartRecord,
} from '@ldm/core';
import { recordAction } from './action-record';
import { runSteps } from './run-steps';
import { blockedNote } from './remediation';
import { mayRestart, stampOf, type BootClock, type RestartCap } from './restart-cap';

const ACTION_TIMEOUT_MS = 60_000;
const ACTION_OUTPUT_BYTES = 64 * 1024;

export interface HealPlan {
  /** What the restart cap counts against: the unit restarted, or the check's subject. */
  target: string;
  commands: string[];
}

/** Pure: what an owner's check asks to be done when it fails, or null when it names no action. */
export function healPlan(check: CustomCheck): HealPlan | null {
  if (!check.action) return null;
  if ('restart' in check.action) return { target: check.action.restart, commands: [`systemctl restart ${check.action.restart}`] };
  return { target: subjectOf(check), commands: [check.action.fix] };
}

export interface HealInput {
  check: CustomCheck;
  plan: HealPlan;
  /** The finding's incident, which the action's outcome resolves (and so teaches its pattern). */
  outcome: RecordOutcome;
  /** Runs the check again until it passes or gives up; true when the problem is gone. */
  recheck: () => Promise<boolean>;
  store: DocumentStore;
  engine: IncidentEngine;
  policy: PolicyConfig;
  policyContext: PolicyContext;
  /** learn.autoRemediationAllow. */
  preAuthorised: string[];
  runHost: HostRunner;
  restarts: RestartRecord[];
  cap: RestartCap;
  boot?: BootClock;
  now: () => Date;
  logger: Logger;
}

export interface HealResult {
  ran: boolean;
  worked?: boolean;
  note: string;
}

/**
 * The action an owner's check names, under the same rules as every automatic action: the policy
 * gate (gateFix; the config's action counts as the owner's pre-authorisation, never over a deny or
 * a confirmation) and the restart cap (the caller raises the cap alert). What ran is an incident of
 * its own, and the finding's incident is resolved with whether the check passed again afterwards.
 */
export async function heal(input: HealInput): Promise<HealResult> {
  const { plan, logger } = input;
  const { gateFix } = await import('./fix-gate-chunk');
  const gate = gateFix(plan.commands, { policy: input.policy, ctx: input.policyContext, preAuthorised: [...input.preAuthorised, ...plan.commands] });
  const advice = `check ${input.check.id} names the action ${visibleText(plan.commands.join(' && '))}`;
  if (!gate.run) {
    const note = blockedNote(advice, gate.blocker!, input.policyContext.configFile);
    logger.warn(note);
    return { ran: false, note };
  }
  if (!mayRestart(input.restarts, plan.target, input.now(), input.cap, input.boot)) {
    return { ran: false, note: `${advice}; not run: ${plan.target} reached the cap of ${input.cap.max} automatic actions in ${input.cap.windowMin} min` };
  }
  const { ranOk, output } = await runSteps(gate.steps, input.runHost, { timeoutMs: ACTION_TIMEOUT_MS, maxOutputBytes: ACTION_OUTPUT_BYTES });
  const worked = ranOk && (await input.recheck().catch(() => false));
  const shown = visibleText(plan.commands.join(' && '));
  const kind = input.check.action && 'restart' in input.check.action ? 'restart' : 'remediation';
  input.restarts.push({ ...stampOf(input.now(), input.boot), kind, target: plan.target, reason: `check ${input.check.id}: ${shown}`, ok: worked });
  const summary = `check action: ran ${shown} for check ${input.check.id}: ${worked ? 'worked' : 'failed'}`;
  await recordAction(input.store, {
    at: input.now(),
    target: plan.target,
    summary,
    evidence: [`for incident ${input.outcome.incident.id}: ${input.outcome.incident.summary}`, ...output],
    commands: plan.commands,
    worked,
  });
  await input.engine.resolve({ id: input.outcome.incident.id, resolution: `check action: ${shown}`, commands: plan.commands, worked, by: 'ldm-healthcheck (check action)' });
  (worked ? logger.notice : logger.warn)(summary);
  return { ran: true, worked, note: summary };
}
