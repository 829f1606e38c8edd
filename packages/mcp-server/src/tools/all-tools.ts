import { toolsForMode as forMode, type ToolDef } from './tool-def';
import { COMMAND_TOOLS } from './command-tools';
import { FILE_TOOLS } from './file-tools';
import { HOST_TOOLS } from './host-tools';
import { SERVICE_TOOLS } from './service-tools';
import { PACKAGE_TOOLS } from './package-tools';
import { JOURNAL_TOOLS } from './journal-tools';
import { INCIDENT_TOOLS } from './incident-tools';
import { CONTEXT_TOOLS } from './context-tools';

/** Every tool, in the order clients list them. Read-only mode keeps those with readOnlyHint: true. */
export const ALL_TOOLS: ToolDef[] = [
  ...CONTEXT_TOOLS,
  ...HOST_TOOLS,
  ...COMMAND_TOOLS,
  ...FILE_TOOLS,
  ...SERVICE_TOOLS,
  ...PACKAGE_TOOLS,
  ...JOURNAL_TOOLS,
  ...INCIDENT_TOOLS,
];

/** The tools offered under a policy mode: in read-only mode the others are not even listed. */
export function toolsForMode(mode: string, tools: ToolDef[] = ALL_TOOLS): ToolDef[] {
  return forMode(mode, tools);
}
