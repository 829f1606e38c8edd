import { visibleText, type Approval } from '@ldm/core';
import { describeAction } from '../policy/confirm-text';

/** Pure: one approval as the human on the host reads it before answering; every field made visible. */
export function describeApproval(a: Approval, now: Date): string {
  const left = Math.max(0, Math.round((Date.parse(a.expiresAt) - now.getTime()) / 1000));
  return [
    `Approval ${a.id}  [${a.status}]  tool ${visibleText(a.tool, 64)}`,
    ...describeAction({ action: a.action, details: a.details, ...(a.preview !== undefined ? { preview: a.preview } : {}), actionCut: a.actionCut }),
    `  rule:      ${visibleText(a.rule, 300)}: ${visibleText(a.reason, 600)}`,
    `  session:   ${visibleText(a.session.label, 300)}`,
    `  requested: ${a.requestedAt}`,
    `  expires:   ${a.expiresAt} (in ${Math.floor(left / 60)} min ${left % 60} s)`,
    ...(a.decidedBy ? [`  answered:  ${a.decidedAt ?? ''} by ${visibleText(a.decidedBy, 300)}`] : []),
  ].join('\n');
}
