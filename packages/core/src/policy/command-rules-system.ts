// Packages, accounts, the network, mounts, the kernel, containers, scheduled jobs and system
// settings: changes a human should see before they happen.
import { wordText } from './shell-parse';
import { isLongOption } from './long-option';
import { checkWriteTarget } from './command-targets';
import { byDefault, confirm, type BuiltinRule, type Finding } from './command-rule-table';
import { firstOperand, hasFlag, operands, texts } from './command-args';

const PACKAGE_REMOVE: Record<string, RegExp> = {
  apt: /^(remove|purge|autoremove|autopurge)$/,
  'apt-get': /^(remove|purge|autoremove|autopurge|dist-upgrade)$/,
  aptitude: /^(remove|purge|markauto)$/,
  snap: /^(remove|disable|revert)$/,
  pip: /^uninstall$/,
  pip3: /^uninstall$/,
  yum: /^(remove|erase|autoremove)$/,
  dnf: /^(remove|erase|autoremove)$/,
  zypper: /^(rm|remove)$/,
  apk: /^del$/,
  npm: /^(uninstall|un|unlink|remove|rm|r)$/,
};

// Installing or upgrading runs the packages' maintainer scripts as root: asked about by default,
// and a config allow rule (e.g. "apt-get install **") is how the human pre-authorises it.
const PACKAGE_CHANGE: Record<string, RegExp> = {
  apt: /^(install|reinstall|upgrade|full-upgrade|dist-upgrade)$/,
  'apt-get': /^(install|reinstall|upgrade|build-dep)$/,
  aptitude: /^(install|reinstall|upgrade|safe-upgrade|full-upgrade|dist-upgrade)$/,
};


const packageRemove: BuiltinRule = {
  id: 'package-remove',
  programs: Object.keys(PACKAGE_REMOVE),
  findings(program, args) {
    const sub = firstOperand(args);
    return sub === null || (sub !== undefined && PACKAGE_REMOVE[program]!.test(sub)) ? [confirm('package-remove', `${program} ${sub ?? ''} removes packages`)] : [];
  },
};

const dpkgRemove: BuiltinRule = {
  id: 'dpkg-remove',
  programs: ['dpkg'],
  findings: (_program, args) =>
    texts(args).some((x) => x !== null && ((/^-[a-zA-Z]*[rP]/.test(x) && !x.startsWith('--')) || isLongOption(x, ['remove', 'purge']))) ? [confirm('package-remove', 'dpkg removes packages')] : [],
};

const packageChange: BuiltinRule = {
  id: 'package-install',
  programs: Object.keys(PACKAGE_CHANGE),
  findings(program, args) {
    const sub = firstOperand(args);
    return sub !== undefined && sub !== null && PACKAGE_CHANGE[program]!.test(sub) ? [byDefault('package-install', `${program} ${sub} installs or upgrades packages, running their scripts as root`)] : [];
  },
};

const pacmanRemove: BuiltinRule = {
  id: 'pacman-remove',
  programs: ['pacman'],
  findings: (_program, args) => (texts(args).some((x) => x !== null && /^-R/.test(x)) ? [confirm('package-remove', 'pacman -R removes packages')] : []),
};

const accounts: BuiltinRule = {
  id: 'accounts',
  programs: ['userdel', 'deluser', 'groupdel', 'delgroup', 'usermod', 'passwd', 'chpasswd', 'chage', 'gpasswd', 'useradd', 'adduser', 'groupadd', 'addgroup', 'newusers', 'vipw', 'vigr', 'visudo', 'pwck', 'grpck'],
  findings(program, args) {
    if (program === 'passwd' && texts(args).some((x) => x === '-S' || x === '--status')) return [];
    return [confirm('accounts', `${program} changes user accounts or passwords`)];
  },
};

const firewall: BuiltinRule = {
  id: 'firewall',
  programs: ['iptables', 'ip6tables', 'iptables-legacy', 'ip6tables-legacy', 'iptables-nft', 'ip6tables-nft', 'iptables-restore', 'ip6tables-restore', 'nft', 'ufw', 'firewall-cmd', 'ebtables'],
  findings(program, args) {
    const t = texts(args);
    const listing =
      (program.startsWith('ip') && !program.endsWith('restore') && t.every((x) => x !== null && /^(-L|-S|-n|-v|-x|--list|--list-rules|--numeric|--verbose|--line-numbers|-t|filter|nat|mangle|raw|security|INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING|-nL|-vnL|-nvL|-Ln|-Lnv|-L -n)$/.test(x)) && t.some((x) => /L|S|list/.test(x ?? ''))) ||
      (program === 'nft' && ['list', '-a', '-n', '-j'].includes(firstOperand(args) ?? 'list') && t.every((x) => x !== null && !/^(add|delete|flush|insert|replace|create|destroy|reset|-f)$/.test(x))) ||
      (program === 'ufw' && ['status', 'show', 'app', 'version'].includes(t[0] ?? '') && !(t[0] === 'app' && t[1] === 'update')) ||
      (program === 'firewall-cmd' && t.length > 0 && t.every((x) => x !== null && /^--(list-|get-|state|query-|info-|zone=|permanent$)/.test(x)));
    return listing ? [] : [confirm('firewall-change', `${program} changes the firewall: a wrong rule can lock everyone out`)];
  },
};

const ip: BuiltinRule = {
  id: 'ip',
  programs: ['ip'],
  findings(_program, args) {
    const t = texts(args);
    return t.some((x) => x !== null && /^(add|del|delete|change|replace|flush|set|append|prepend|save|restore|exec)$/.test(x))
      ? [confirm('network-change', `ip ${t.join(' ')} changes the network configuration: a mistake can cut the connection`)]
      : [];
  },
};

const networkTools: BuiltinRule = {
  id: 'network-tools',
  programs: ['ifdown', 'ifup', 'ifconfig', 'route', 'netplan', 'nmcli', 'networkctl', 'dhclient', 'resolvectl', 'wg', 'wg-quick', 'brctl', 'ethtool', 'tc'],
  findings(program, args) {
    const t = texts(args);
    const readOnlyUse =
      (program === 'ifconfig' && t.length <= 2 && !t.some((x) => /^(up|down|add|del)$/.test(x ?? '')) && !t.some((x) => /^\d+\.\d+/.test(x ?? ''))) ||
      (program === 'route' && t.every((x) => x === '-n' || x === '-e' || x === '-ee')) ||
      (program === 'netplan' && ['get', 'info', 'status', 'generate', '--debug'].includes(t[0] ?? '')) ||
      (program === 'nmcli' && !t.some((x) => /^(down|up|delete|del|modify|mod|add|off|disconnect|reload|connect)$/.test(x ?? ''))) ||
      (program === 'networkctl' && ['list', 'status', 'lldp', 'label', undefined].includes(t[0] ?? undefined)) ||
      (program === 'resolvectl' && ['status', 'query', 'statistics', 'dns', 'domain', undefined].includes(t[0] ?? undefined) && t.length <= 2) ||
      (program === 'wg' && ['show', 'showconf', undefined].includes(t[0] ?? undefined)) ||
      (program === 'ethtool' && t.every((x) => x !== null && !/^(-s|--change|-K|--features|--offload|-A|--pause|-C|--coalesce|-G|--set-ring|-E|--change-eeprom|-f|--flash|-r|--negotiate|-L|--set-channels|-X|--set-rxfh-indir|-N|-U|--config-nfc|--config-ntuple|-W|--set-dump|--set-eee|--reset|--set-fec|--set-priv-flags|-p|--identify)$/.test(x))) ||
      (program === 'tc' && ['-s', 'show', 'qdisc', 'class', 'filter', '-d', '-j'].includes(t[0] ?? '') && t.some((x) => x === 'show' || x === 'ls' || x === 'list'));
    return readOnlyUse ? [] : [confirm('network-change', `${program} ${t.join(' ')} may change the network configuration: a mistake can cut the connection`)];
  },
};

const mounts: BuiltinRule = {
  id: 'mounts',
  programs: ['umount', 'swapoff', 'mount', 'losetup', 'swapon'],
  findings(program, args, env) {
    if (args.length === 0) return [];
    const t = texts(args);
    const listing =
      (program === 'mount' && t.every((x) => x === '-l' || x === '-t' || x === '--show-labels' || (x !== null && /^[a-z0-9,]+$/.test(x) && t.includes('-t')))) ||
      (program === 'swapon' && t.every((x) => x !== null && /^(-s|--summary|--show|--show=.*|--noheadings|--bytes|--raw)$/.test(x))) ||
      (program === 'losetup' && t.every((x) => x !== null && /^(-l|-a|--list|--all|-J|--json|-O|--output=.*|-n|--noheadings)$/.test(x)));
    if (listing) return [];
    const out: Finding[] = [];
    for (const w of operands(args, 'tTOoLU')) {
      const r = checkWriteTarget(w, `${program} on`, env.ctx, env.cwds);
      if (r?.action === 'deny') out.push({ ...r, level: 'builtin' });
    }
    out.push(confirm('storage-change', `${program} ${t.join(' ')} changes mounts or swap`));
    return out;
  },
};

const sysctl: BuiltinRule = {
  id: 'sysctl',
  programs: ['sysctl'],
  findings: (_program, args) =>
    texts(args).some((x) => x !== null && ((/^-[a-zA-Z]*[wp]/.test(x) && !x.startsWith('--')) || isLongOption(x, ['write', 'load', 'system']))) || args.some((w) => wordText(w).includes('='))
      ? [confirm('kernel-write', 'sysctl changes kernel settings')]
      : [],
};

const modules: BuiltinRule = {
  id: 'kernel-modules',
  programs: ['modprobe', 'rmmod', 'insmod'],
  findings(program, args) {
    const t = texts(args);
    if (program === 'modprobe' && t.length && t.every((x) => x !== null && /^(-n|--dry-run|-c|--showconfig|-D|--show-depends|-V|--version|-R|--resolve-alias)$/.test(x))) return [];
    return [confirm('kernel-write', `${program} loads or unloads kernel modules`)];
  },
};

const containers: BuiltinRule = {
  id: 'containers',
  programs: ['docker', 'podman', 'nerdctl', 'crictl', 'ctr'],
  findings(program, args) {
    const out: Finding[] = [];
    const words = texts(args).filter((x): x is string => x !== null && !x.startsWith('-'));
    const sub = words.slice(0, 3);
    if (sub.some((x) => /^(rm|rmi|kill|stop|prune|down)$/.test(x))) out.push(confirm('container-remove', `${program} ${sub.join(' ')} stops or deletes containers, images or volumes`));
    if ((sub[0] === 'run' || sub[0] === 'create' || (sub[0] === 'container' && sub[1] === 'run')) && args.some((w) => /^--privileged$|^--pid=host$|^--net(work)?=host$|^(-v|--volume)$|^(-v|--volume=)\/(:|$)|^\/:/.test(wordText(w))))
      out.push(confirm('container-privileged', `${program} run with host access (--privileged, host namespaces or bind mounts) can change the host`));
    return out;
  },
};

const crontab: BuiltinRule = {
  id: 'crontab',
  programs: ['crontab'],
  findings(_program, args) {
    const t = texts(args);
    return t.every((x) => x === '-l' || x === '-u' || x === null || (!x.startsWith('-') && t.includes('-l'))) ? [] : [confirm('scheduled-job', 'crontab installs, edits or removes scheduled jobs')];
  },
};

const later: BuiltinRule = {
  id: 'run-later',
  programs: ['at', 'batch', 'systemd-run'],
  findings(program, args) {
    const t = texts(args);
    if (program === 'systemd-run' && !t.some((x) => /^--on-/.test(x ?? ''))) return [];
    return t.some((x) => x === '-l' || x === '-c') ? [] : [confirm('scheduled-job', `${program} schedules commands to run later, where this policy cannot see them`)];
  },
};

const editors: BuiltinRule = {
  id: 'editors',
  programs: ['vi', 'vim', 'nvim', 'nano', 'emacs', 'ed', 'ex', 'pico', 'joe', 'mcedit', 'sudoedit', 'vipw', 'sudo'],
  findings(program, args) {
    if (program === 'sudo' && !hasFlag(args, 'e', ['edit'])) return [];
    return [confirm('interactive-editor', `${program} is an interactive editor (it can also run commands); use the file tools to edit files`)];
  },
};

const setcap: BuiltinRule = { id: 'setcap', programs: ['setcap'], findings: () => [confirm('setuid', 'setcap gives a program capabilities (root powers)')] };

const systemSettings: BuiltinRule = {
  id: 'system-settings',
  programs: ['timedatectl', 'hostnamectl', 'localectl'],
  findings: (program, args) => (texts(args).some((x) => /^set-/.test(x ?? '')) ? [confirm('system-settings', `${program} changes system settings`)] : []),
};

const journalVacuum: BuiltinRule = {
  id: 'journal-vacuum',
  programs: ['journalctl'],
  findings: (_program, args) =>
    texts(args).some((x) => isLongOption(x, ['vacuum-size', 'vacuum-time', 'vacuum-files', 'rotate', 'flush', 'relinquish-var', 'setup-keys', 'update-catalog']))
      ? [confirm('log-delete', 'journalctl --vacuum/--rotate deletes or moves logs')]
      : [],
};

const gitClean: BuiltinRule = {
  id: 'git-clean',
  programs: ['git'],
  findings(_program, args) {
    const t = texts(args);
    return t.some((x) => x === 'clean') && t.some((x) => x !== null && /^-[a-zA-Z]*[fxX]/.test(x)) ? [confirm('rm-recursive', 'git clean deletes untracked files')] : [];
  },
};

export const SYSTEM_RULES: readonly BuiltinRule[] = [
  packageRemove, dpkgRemove, packageChange, pacmanRemove, accounts, firewall, ip, networkTools, mounts, sysctl, modules, containers, crontab, later, editors, setcap, systemSettings, journalVacuum, gitClean,
];
