// D-Bus clients and systemd's configuration tools: a bus call can stop units, change settings or
// start processes through PID 1, and systemd-tmpfiles/sysusers create files, users and groups
// as root. Calls naming one of the suite's units are refused outright.
import { wordText } from './shell-parse';
import { literal } from './shell-words';
import { confirm, deny, type BuiltinRule } from './command-rule-table';

const BUS_READS: Record<string, RegExp> = {
  busctl: /^(list|status|monitor|capture|tree|introspect|get-property|help)$/,
  gdbus: /^(introspect|monitor|wait|help)$/,
};

const bus: BuiltinRule = {
  id: 'bus-call',
  programs: ['busctl', 'dbus-send', 'gdbus', 'qdbus', 'dbus-launch', 'varlinkctl'],
  findings(program, args, env) {
    const t = args.map(literal);
    if (t.length && t.every((x) => x === '--help' || x === '-h' || x === '--version')) return [];
    const verb = t.find((x) => x === null || !x.startsWith('-'));
    if (verb !== undefined && verb !== null && BUS_READS[program]?.test(verb)) return [];
    const suite = env.ctx.suiteUnits.flatMap((u) => [u, u.replace(/\.(service|timer|socket|path)$/, '')]);
    // Unit names on the bus appear as arguments, or escaped inside object paths (ldm_2dhealthcheck_2eservice).
    const escaped = suite.map((u) => u.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}`));
    if (args.some((w) => suite.some((u) => wordText(w).includes(u)) || escaped.some((u) => wordText(w).includes(u))))
      return [deny('suite-unit', `${program} ${t.join(' ')} addresses linux-devops-mcp's own unit over D-Bus`)];
    return [confirm('bus-call', `${program} calls a D-Bus method: it can stop units, change settings or start processes through systemd`)];
  },
};

const systemdConfig: BuiltinRule = {
  id: 'systemd-config-tools',
  programs: ['systemd-tmpfiles', 'systemd-sysusers', 'systemd-sysctl', 'systemd-firstboot', 'systemd-machine-id-setup', 'systemd-hwdb', 'kernel-install', 'update-initramfs', 'update-grub', 'grub-install', 'update-alternatives', 'ldconfig', 'depmod'],
  findings(program, args) {
    const t = args.map(literal);
    const readOnly = t.length > 0 && t.every((x) => x !== null && /^(--cat-config|--help|-h|--version|--dry-run|--no-pager|--tldr|--display|--list|--query|--get-selections|-p|--print-cache)$/.test(x));
    return readOnly ? [] : [confirm('system-write', `${program} creates or changes system files, users or boot configuration as root`)];
  },
};

export const BUS_RULES: readonly BuiltinRule[] = [bus, systemdConfig];
