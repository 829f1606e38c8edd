import * as z from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../server/deps';

export const TRIAGE_TEXT = `Find out what is wrong with this host right now, as a careful on-call engineer would. Look before you touch anything.

1. get_context: read the briefing (alerts, open incidents, recurring patterns and their known fixes).
2. system_status: CPU, memory, swap, disks, load; note anything near its limit.
3. list_failed_units, then service_status for each failed or suspicious unit.
4. journal_query with priority "err" and since "-1h" (and boot -1 if the host rebooted recently).
5. For each problem: find_known_fix with the exact error line; record_incident with the summary, evidence lines and subject.
6. Report: what is wrong, the evidence, the likely cause, and a proposed fix (a known fix first, with how often it worked).
Do not change anything (no service_action, run_command that modifies, write_file) until the human agrees to the plan.`;

export function postmortemText(incidentJson: string): string {
  return `Turn this solved problem into a recorded resolution so the host remembers it.

Incident:
${incidentJson}

1. Reconstruct what happened from the incident, journal_query around its time, and what was done in this session.
2. Name the root cause in one sentence, and the exact commands that fixed it (or what was tried and did not work).
3. Call resolve_incident with id, resolution (cause and fix in one or two sentences), commands (in order) and worked (true only if the problem is verifiably gone: check with service_status or journal_query).
4. If something should prevent a recurrence (a config change, a timer, more disk), say so as a recommendation; do not apply it without the human.`;
}

export function registerPrompts(server: McpServer, deps: ServerDeps): void {
  server.registerPrompt(
    'triage',
    { title: 'Triage this host', description: 'Find out what is wrong now, using the tools, without changing anything.' },
    () => ({ messages: [{ role: 'user', content: { type: 'text', text: TRIAGE_TEXT } }] }),
  );
  server.registerPrompt(
    'postmortem',
    {
      title: 'Postmortem of an incident',
      description: 'Turn a solved problem into a recorded resolution (learned as a known fix).',
      argsSchema: { incident_id: z.string().min(1).max(128).describe('The incident id, e.g. inc-20261124043000-a1b2c3') },
    },
    async ({ incident_id }) => {
      const doc = await deps.store.read('incidents');
      const incident = doc.incidents.find((i) => i.id === incident_id);
      const body = incident
        ? deps.policy.redactSecrets(JSON.stringify(incident, null, 1))
        : `(no incident with id ${JSON.stringify(incident_id)} — call list_incidents with status "all" to find it)`;
      return { messages: [{ role: 'user', content: { type: 'text', text: postmortemText(body) } }] };
    },
  );
}
