// Pure texts of the confirm flow. The refusal tells the human how to allow the action in the
// config; it gives the model nothing it could send back to approve the action itself.

export interface PendingAction {
  /** e.g. "run_command", "service_action", "write_file". */
  tool: string;
  /** The exact action, as the human should read it: a command line or "write /etc/x". */
  action: string;
  rule: string;
  reason: string;
}

/**
 * Pure: what a human could change in the config so this action runs without asking, by the
 * rule that asked (the order of rules is in docs/policy.md: a config `allow` lifts only the
 * default confirmations; built-in ones yield only to unrestricted mode).
 */
export function howToAllow(rule: string, action: string, configFile: string): string {
  const config = /^config:(policy\.[\w.]+\[\d+\])$/.exec(rule);
  if (config) return `remove or narrow ${config[1]} in ${configFile}`;
  if (rule.startsWith('default:confirm:')) return `add a policy.allow rule matching "${action}" in ${configFile}`;
  if (rule.startsWith('builtin:confirm:')) {
    return `this is a built-in confirmation (${rule}); only policy.mode "unrestricted" in ${configFile} lifts it, and not for every target`;
  }
  return `see the rule ${rule} in docs/policy.md and ${configFile}`;
}

export function confirmMessage(p: PendingAction): string {
  return [
    `The AI assistant asks to ${p.tool === 'write_file' ? 'write a file' : 'run an action'} that needs your approval:`,
    '',
    `    ${p.action}`,
    '',
    `Policy rule ${p.rule}: ${p.reason}`,
    'Approve only if you want exactly this to happen now.',
  ].join('\n');
}

export function noElicitationRefusal(p: PendingAction, configFile: string): string {
  return (
    `Not done: ${p.tool} "${p.action}" needs a human's approval (policy rule ${p.rule}: ${p.reason}), ` +
    `and this MCP client cannot ask the human (it does not support elicitation). ` +
    `Tell the human: they can run it themselves; or, to let it run without asking, ${howToAllow(p.rule, p.action, configFile)} ` +
    `and restart the session. There is no argument or token with which you can approve it.`
  );
}

export function declinedRefusal(p: PendingAction, how: 'decline' | 'cancel' | 'timeout' | 'not-approved'): string {
  const why = {
    decline: 'the human declined it',
    cancel: 'the human dismissed the approval request',
    timeout: 'nobody answered the approval request in time',
    'not-approved': 'the human did not tick the approval box',
  }[how];
  return `Not done: ${p.tool} "${p.action}" needs approval (policy rule ${p.rule}) and ${why}. Do not retry it unchanged; ask the human what they want.`;
}
