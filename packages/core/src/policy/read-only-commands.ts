// read-only mode: the commands that can be shown not to change anything. A command is read-only when
// its program is here and its arguments pass the program's check. Everything else is denied.
import type { Word } from './shell-parse';
import { literal } from './shell-words';
import { AWK_EFFECTS } from './command-builtin-rules';
import { isLongOption } from './long-option';

type Check = (args: (string | null)[]) => boolean;

const any: Check = () => true;
const without = (re: RegExp, longs: string[] = []): Check => (a) => a.every((x) => (x !== null ? !re.test(x) && !isLongOption(x, longs) : true));
const noneDynamic = (c: Check): Check => (a) => a.every((x) => x !== null) && c(a);
const firstIn = (set: string[], ifEmpty = true): Check => (a) => {
  const ops = a.filter((x) => x === null || !x.startsWith('-'));
  if (!ops.length) return ifEmpty;
  return ops[0] !== null && set.includes(ops[0]!);
};

/** Is the short option `opt` in the cluster `x` (before a letter whose value is the rest of it)? */
function inCluster(x: string, opt: string, valueTaking: string): boolean {
  if (!/^-[^-]/.test(x)) return false;
  for (const ch of x.slice(1)) {
    if (ch === opt) return true;
    if (valueTaking.includes(ch)) return false;
  }
  return false;
}

/** Programs that only read; wrappers are handled separately (their inner command is checked). */
const READ_ONLY: Record<string, Check> = {};
for (const p of [
  'cat', 'tac', 'ls', 'dir', 'df', 'du', 'ps', 'ss', 'netstat', 'free', 'uptime', 'uname', 'whoami', 'id', 'groups', 'w', 'who', 'last', 'lastb', 'lastlog',
  'stat', 'file', 'wc', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'zgrep', 'zegrep', 'zcat', 'bzcat', 'xzcat', 'zstdcat', 'lz4cat', 'less', 'more', 'cut', 'tr', 'column', 'nl', 'fold', 'fmt', 'expand', 'unexpand', 'rev', 'paste', 'join', 'comm', 'diff', 'cmp', 'sdiff',
  'lsblk', 'lsof', 'lscpu', 'lsmod', 'lspci', 'lsusb', 'lsipc', 'lslocks', 'lsns', 'lsattr', 'lsinitramfs', 'findmnt', 'vmstat', 'iostat', 'mpstat', 'pidstat', 'sar', 'nstat', 'ifstat', 'pidof', 'pgrep', 'pstree', 'which', 'whereis', 'type', 'printenv', 'getent', 'nproc', 'arch', 'tty', 'locale', 'pwd',
  'sha1sum', 'sha256sum', 'sha512sum', 'md5sum', 'b2sum', 'cksum', 'sum', 'readlink', 'realpath', 'basename', 'dirname', 'echo', 'printf', 'true', 'false', 'test', '[', 'sleep', 'seq', 'yes', 'expr',
  'jq', 'yq', 'xxd', 'od', 'hexdump', 'strings', 'tree', 'getfacl', 'namei', 'ping', 'ping6', 'dig', 'nslookup', 'host', 'traceroute', 'tracepath', 'mtr', 'whois', 'getconf', 'ulimit', 'systemd-detect-virt', 'systemd-cgls', 'systemd-delta', 'systemd-escape', 'free', 'slabtop', 'numastat', 'dmidecode', 'lshw', 'hwinfo', 'inxi', 'sensors', 'smartctl', 'ldd', 'cd', 'hostid', 'ipcs', 'lsb_release', 'cal', 'bc', 'base32', 'base64', 'zless', 'zmore', 'grepdiff', 'apt-cache', 'dpkg-query', 'apt-config', 'debsums', 'needrestart', 'checkrestart', 'fuser', 'iotop', 'ncdu', 'pwdx', 'pmap', 'top', 'htop', 'atop', 'glances', 'nethogs', 'iftop', 'bmon', 'fail2ban-client', 'certbot', 'openssl', 'nginx', 'apachectl', 'apache2ctl', 'httpd', 'named-checkconf', 'postconf', 'sshd', 'nft', 'iptables', 'ip6tables', 'ufw', 'awk', 'gawk', 'mawk', 'sort', 'uniq', 'curl', 'git', 'date', 'hostname', 'env', 'dmesg', 'blkid', 'journalctl', 'systemctl', 'ip', 'find', 'docker', 'podman', 'apt', 'dpkg', 'snap', 'timedatectl', 'hostnamectl', 'loginctl', 'sysctl', 'mount', 'swapon', 'systemd-analyze', 'tcpdump', 'read', 'ethtool', 'crontab', 'networkctl', 'resolvectl', 'pip', 'pip3', 'npm', 'node', 'python3', 'python', 'mokutil', 'efibootmgr', 'service', 'sed', 'xargs', 'ssh-keygen', 'cut',
]) READ_ONLY[p] = any;

Object.assign(READ_ONLY, {
  sort: without(/^-[a-zA-Z]*o/, ['output', 'compress-program']),
  uniq: (a: (string | null)[]) => a.filter((x) => x === null || !x.startsWith('-')).length <= 1,
  // -exec's command is checked on its own (find is unwrapped like sudo).
  find: without(/^-(ok|okdir|delete|fprint|fprint0|fprintf|fls)$/),
  dmesg: without(/^-[a-zA-Z]*[cCDEn]/, ['clear', 'read-clear', 'console-off', 'console-on', 'console-level']),
  blkid: without(/^(-g|--garbage-collect)$/),
  // -s sets the clock; -d, -f, -r take a value and -I an optional one, so "-Iseconds" is not -s.
  date: (a: (string | null)[]) => a.every((x) => x === null || !(inCluster(x, 's', 'dfrI') || isLongOption(x, ['set']))),
  hostname: (a: (string | null)[]) => a.every((x) => x !== null && x.startsWith('-') && !/^(-F|--file|-b|--boot)$/.test(x)),
  env: (a: (string | null)[]) => a.every((x) => x !== null && /^(-0|--null)$/.test(x)),
  journalctl: without(/^$/, ['vacuum-size', 'vacuum-time', 'vacuum-files', 'rotate', 'flush', 'relinquish-var', 'setup-keys', 'update-catalog', 'sync']),
  systemctl: firstIn(['status', 'show', 'cat', 'list-units', 'list-unit-files', 'list-timers', 'list-sockets', 'list-dependencies', 'list-jobs', 'list-machines', 'list-paths', 'list-automounts', 'is-active', 'is-enabled', 'is-failed', 'is-system-running', 'get-default', 'show-environment', 'help']),
  service: (a: (string | null)[]) => a.length === 2 && a[1] === 'status' || (a.length === 1 && a[0] === '--status-all'),
  ip: (a: (string | null)[]) => {
    const words = a.filter((x) => x === null || !x.startsWith('-'));
    if (words.some((x) => x === null)) return false;
    if (words.length <= 1) return true;
    return ['show', 'list', 'ls', 'lst', 'get', 'help'].includes(words[1]!) || (words[0] === 'route' && words[1] === 'get');
  },
  docker: firstIn(['ps', 'images', 'image', 'inspect', 'logs', 'stats', 'version', 'info', 'top', 'port', 'diff', 'history', 'events', 'container', 'network', 'volume', 'system', 'compose'], false),
  podman: firstIn(['ps', 'images', 'inspect', 'logs', 'stats', 'version', 'info', 'top', 'port', 'diff', 'history'], false),
  apt: firstIn(['list', 'show', 'policy', 'search', 'depends', 'rdepends', 'showsrc', 'changelog'], false),
  dpkg: (a: (string | null)[]) => a.length > 0 && a.every((x) => x !== null) && /^(-l|-L|-s|-S|-p|--list|--listfiles|--status|--search|--print-avail|--get-selections|--print-architecture|--audit|-C|--verify|-V|--version|--compare-versions)$/.test(a[0]!),
  snap: firstIn(['list', 'info', 'services', 'changes', 'version', 'find', 'connections', 'logs'], false),
  pip: firstIn(['list', 'show', 'freeze', 'check', '--version'], false),
  pip3: firstIn(['list', 'show', 'freeze', 'check', '--version'], false),
  npm: firstIn(['ls', 'list', 'view', 'outdated', 'version', '--version', '-v'], false),
  node: (a: (string | null)[]) => a.length > 0 && a.every((x) => x === '--version' || x === '-v'),
  python3: (a: (string | null)[]) => a.length > 0 && a.every((x) => x === '--version' || x === '-V'),
  python: (a: (string | null)[]) => a.length > 0 && a.every((x) => x === '--version' || x === '-V'),
  timedatectl: firstIn(['status', 'show', 'list-timezones', 'timesync-status', 'show-timesync']),
  hostnamectl: firstIn(['status']),
  loginctl: firstIn(['list-sessions', 'list-users', 'list-seats', 'show-session', 'show-user', 'session-status', 'user-status']),
  sysctl: (a: (string | null)[]) => a.every((x) => x !== null && !x.includes('=') && !/^-[a-zA-Z]*[wp]/.test(x) && !isLongOption(x, ['write', 'load', 'system'])),
  mount: (a: (string | null)[]) => a.every((x) => x === '-l' || x === '--show-labels'),
  swapon: (a: (string | null)[]) => a.length > 0 && a.every((x) => x !== null && /^(-s|--summary|--show|--show=.*|--noheadings|--bytes|--raw)$/.test(x)),
  'systemd-analyze': firstIn(['time', 'blame', 'critical-chain', 'verify', 'security', 'calendar', 'timespan', 'timestamp', 'unit-paths', 'cat-config', 'dump', 'plot', 'syscall-filter']),
  tcpdump: (a: (string | null)[]) => a.every((x) => x !== null && !/^-[a-zA-Z]*w/.test(x) && !/^-z$/.test(x)) && a.some((x) => x === '-c' || /^-[a-zA-Z]*c\d*$/.test(x ?? '')),
  crontab: (a: (string | null)[]) => a.includes('-l') && a.every((x) => x === '-l' || x === '-u' || (x !== null && !x.startsWith('-'))),
  networkctl: firstIn(['list', 'status', 'lldp']),
  resolvectl: firstIn(['status', 'query', 'statistics', 'dns', 'domain']),
  nginx: (a: (string | null)[]) => a.length > 0 && a.every((x) => x !== null && /^-[tTvVq]+$|^-[cp]$/.test(x) || (x !== null && x.startsWith('/'))) && !a.includes('-s'),
  apachectl: firstIn(['-t', 'configtest', '-S', '-M', '-v', '-V', '-D'], false),
  apache2ctl: firstIn(['-t', 'configtest', '-S', '-M', '-v', '-V', '-D'], false),
  sshd: (a: (string | null)[]) => a.length > 0 && a.every((x) => x !== null && /^-[tTG]$/.test(x)),
  iptables: (a: (string | null)[]) => a.some((x) => x !== null && /^-[a-zA-Z]*[LS]|^--list/.test(x)) && a.every((x) => x !== null && !/^-[a-zA-Z]*[ADIRFZNXPE]|^--(append|delete|insert|replace|flush|zero|new|delete-chain|policy|rename)/.test(x)),
  ip6tables: (a: (string | null)[]) => a.some((x) => x !== null && /^-[a-zA-Z]*[LS]|^--list/.test(x)) && a.every((x) => x !== null && !/^-[a-zA-Z]*[ADIRFZNXPE]|^--(append|delete|insert|replace|flush|zero|new|delete-chain|policy|rename)/.test(x)),
  nft: (a: (string | null)[]) => a.filter((x) => x === null || !x.startsWith('-'))[0] === 'list',
  ufw: firstIn(['status', 'show', 'version'], false),
  curl: noneDynamic((a) => !a.some((x) => isLongOption(x, ['output', 'remote-name', 'upload-file', 'data', 'data-binary', 'data-raw', 'data-urlencode', 'form', 'request', 'json', 'config', 'cookie-jar', 'create-dirs', 'dump-header', 'trace', 'trace-ascii', 'stderr', 'libcurl', 'etag-save', 'hsts', 'alt-svc', 'output-dir', 'remote-name-all']) && !/^--output(=\/dev\/null)?$/.test(x!)) && a.every((x, i) => (x === '-o' || x === '--output') && a[i + 1] === '/dev/null' || (a[i - 1] === '-o' || a[i - 1] === '--output') && x === '/dev/null' || !/^(-o|-O|--output|--remote-name|-T|--upload-file|-d|--data.*|-F|--form|-X|--request|--json|-K|--config|-c|--cookie-jar|--create-dirs|-D|--dump-header|--trace.*|--stderr|--libcurl|--etag-save|--hsts|--alt-svc)$/.test(x!) && !/^-[a-zA-Z]*[oOTdFXKcD]/.test(x!))),
  git: (a: (string | null)[]) => {
    const rest = [...a];
    while (rest[0] === '-C' || rest[0] === '--no-pager' || rest[0] === '-P') rest.splice(0, rest[0] === '-C' ? 2 : 1);
    return ['status', 'log', 'diff', 'show', 'branch', 'remote', 'rev-parse', 'ls-files', 'blame', 'describe'].includes(rest[0] ?? '') && !rest.some((x) => x === null || /^--output|^-o$/.test(x));
  },
  awk: (a: (string | null)[]) => a.every((x) => x !== null) && !a.includes('-f') && !a.some((x) => AWK_EFFECTS.test(x!)),
  sed: (a: (string | null)[]) => {
    if (a.some((x) => x === null || /^-[a-zA-Z]*[ifs]/.test(x) || isLongOption(x, ['in-place', 'file', 'separate']))) return false;
    const scripts = a.flatMap((x, i) => (a[i - 1] === '-e' || a[i - 1] === '--expression' ? [x!] : []));
    if (!scripts.length) {
      const first = a.find((x) => !x!.startsWith('-'));
      if (first) scripts.push(first);
    }
    // Only addresses with p, d, q, =, l, n, and s///[gpI0-9]: no w, W, e, r, R.
    return scripts.every((sc) => /^([0-9$,~ ]*|\/[^/]*\/[, ]*)*!?\s*[pdq=lnN]?$/.test(sc) || /^s(.)(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1[gpI0-9]*$/.test(sc));
  },
  xargs: any,
  openssl: firstIn(['x509', 'version', 's_client', 'verify', 'crl', 'ciphers', 'list'], false),
  certbot: firstIn(['certificates', '--version'], false),
  'ssh-keygen': (a: (string | null)[]) => a.every((x) => x !== null && /^(-l|-f|-E|-v|-F|-L|sha256|md5)$|^\//.test(x)),
  ethtool: (a: (string | null)[]) => a.every((x) => x !== null && (/^(-i|-S|-k|-g|-a|-c|-l|-T|-m|--driver|--statistics|--show-.*)$/.test(x) || !x.startsWith('-'))),
  fuser: without(/^(-k|--kill)$/),
  smartctl: without(/^(-s|--smart|-o|--offlineauto|-S|--saveauto|-t|--test|-X|--abort|--set)/),
  'fail2ban-client': firstIn(['status', 'ping', 'version', 'get', 'banned'], false),
  sleep: any,
  'systemd-cgls': any,
  // (( expr )): what it may evaluate is refused on its own (builtin:deny:arithmetic).
  '((': any,
});
READ_ONLY['gawk'] = READ_ONLY['awk']!;
READ_ONLY['mawk'] = READ_ONLY['awk']!;
READ_ONLY['postconf'] = (a) => a.every((x) => x !== null && !x.includes('=') && !/^-[a-zA-Z]*[ePX#]/.test(x));
READ_ONLY['iotop'] = (a) => a.some((x) => x === '-b' || x === '--batch');
READ_ONLY['top'] = (a) => a.some((x) => x !== null && /^-[a-zA-Z]*b/.test(x));
for (const interactive of ['htop', 'atop', 'glances', 'nethogs', 'iftop', 'bmon', 'ncdu']) delete READ_ONLY[interactive];

/** Wrappers that add no effect of their own; their inner command is checked separately. */
export const READ_ONLY_WRAPPERS = new Set(['sudo', 'env', 'nice', 'ionice', 'timeout', 'nohup', 'stdbuf', 'command', 'builtin', 'xargs', 'time', 'sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox', 'doas', 'setsid']);

/** Is `program args` read-only? */
export function isReadOnlyCommand(program: string, args: Word[]): boolean {
  const check = READ_ONLY[program];
  if (!check) return false;
  return check(args.map(literal));
}
