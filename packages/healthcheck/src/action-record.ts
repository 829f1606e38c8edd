import { newIncidentId, type DocumentStore } from '@ldm/core';

export interface ActionRecord {
  at: Date;
  target: string;
  summary: string;
  evidence: string[];
  commands: string[];
  worked: boolean;
}

/** Every automatic action is an incident of its own, already resolved: the audit trail of what ran and how it went. */
export async function recordAction(store: DocumentStore, action: ActionRecord): Promise<string> {
  const at = action.at.toISOString();
  const id = newIncidentId(action.at);
  await store.update('incidents', (doc) => {
    doc.incidents.push({
      id,
      time: at,
      lastSeen: at,
      count: 1,
      source: 'healthcheck',
      severity: action.worked ? 'info' : 'warn',
      subject: action.target,
      summary: action.summary,
      evidence: action.evidence,
      fingerprints: [],
      status: 'resolved',
      resolvedAt: at,
      resolution: { time: at, text: 'automatic action, recorded for the audit trail', commands: action.commands, worked: action.worked, by: 'ldm-healthcheck' },
    });
  });
  return id;
}
