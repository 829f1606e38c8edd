import type { HealthCheck } from './types';
import { diskCheck } from './disk';
import { inodesCheck } from './inodes';
import { memoryCheck } from './memory';
import { swapCheck } from './swap';
import { loadCheck } from './load';
import { oomCheck } from './oom';
import { journalErrorsCheck } from './journal-errors';
import { failedUnitsCheck } from './failed-units';
import { timeSyncCheck } from './time-sync';
import { ollamaCheck } from './ollama';
import { mcpSessionsCheck } from './mcp-sessions';

/** Every health check, in report order. Adding a check means adding it here; nothing registers itself. */
export const CHECKS: readonly HealthCheck[] = [
  diskCheck,
  inodesCheck,
  memoryCheck,
  swapCheck,
  loadCheck,
  oomCheck,
  journalErrorsCheck,
  failedUnitsCheck,
  timeSyncCheck,
  ollamaCheck,
  mcpSessionsCheck,
];

export const CHECK_IDS = CHECKS.map((c) => c.id);
