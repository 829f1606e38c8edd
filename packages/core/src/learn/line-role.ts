import { splitSyslogHeader } from './fingerprint/syslog-header';

// A failing unit leaves two kinds of line: the program's own account of the cause ("nginx: [emerg]
// bind() ... failed (98: ...)") and the service manager's account of the outcome ("nginx.service:
// Failed with result 'exit-code'."). Outcome lines are the same for every cause of one unit's
// failure, so they cannot tell a bad config from a port in use: a fix is matched on cause lines
// whenever either side has one (known-fix.ts). The rule is by author, not by wording: a line is an
// outcome when systemd wrote it (its syslog ident) or when it is about a unit by name, which is
// how systemd prefixes the messages it writes about a unit.

const UNIT_PREFIX = /^[\w@.\\:-]+\.(?:service|socket|timer|mount|automount|swap|target|path|slice|scope|device):\s/;
const MANAGER_IDENTS = new Set(['systemd', 'init']);

/** Pure: true when the line reports how a unit ended (written by the service manager), not why. */
export function isOutcomeLine(line: string): boolean {
  const { header, message } = splitSyslogHeader(line.trim());
  if (header?.ident && MANAGER_IDENTS.has(header.ident)) return true;
  return UNIT_PREFIX.test(message);
}
