import { splitSyslogHeader } from './fingerprint/syslog-header';

// A failing unit leaves two kinds of line: the program's own account of the cause ("nginx: [emerg]
// bind() ... failed (98: ...)") and the service manager's account of the outcome ("nginx.service:
// Failed with result 'exit-code'."). Outcome lines are the same for every cause of one unit's
// failure, so they cannot tell a bad config from a port in use: a fix is matched on cause lines
// whenever the pattern has one (known-fix.ts). The rule is by author, not by wording: a line is an
// outcome when the manager wrote it (ident systemd, PID 1), or, with no header to tell, when it is
// about a unit by name, which is how systemd prefixes what it writes about a unit. systemd under
// another PID is the unit's own process before exec, whose lines ("Failed at step EXEC spawning
// /opt/app/bin/app: No such file or directory") are the cause.

const UNIT_PREFIX = /^[\w@.\\:-]+\.(?:service|socket|timer|mount|automount|swap|target|path|slice|scope|device):\s/;
const MANAGER_IDENTS = new Set(['systemd', 'init']);

/** Pure: true when the line reports how a unit ended (written by the service manager), not why. */
export function isOutcomeLine(line: string): boolean {
  const { header, message } = splitSyslogHeader(line.trim());
  if (header?.ident) return MANAGER_IDENTS.has(header.ident) ? header.pid === null || header.pid === 1 : false;
  return UNIT_PREFIX.test(message);
}
