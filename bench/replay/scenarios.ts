// Failures of the kinds a small host meets, as their programs log them (Debian 12, systemd 252,
// journalctl -o short-iso), for the known-fix replay (replay-known-fixes.ts). Each is learned once
// and replayed twice with other PIDs, ports, times, hosts and summary wording; the near misses
// are the same unit failing for another reason, or the same message from another unit.

export interface Variant {
  time: string;
  host: string;
  pid: number;
  /** The forked child's PID (systemd before exec, a second worker). */
  pid2: number;
  port: number;
  ip: string;
  n: number;
  /** Which of the scenario's summaries the model uses this time. */
  wording: number;
}

export interface Scenario {
  name: string;
  /** mcp: the model records it in its own words; healthcheck: the journal reader records the first cause line. */
  source: 'mcp' | 'healthcheck';
  subject: string;
  /** Model summaries, one per wording (mcp only). */
  summaries?: string[];
  lines: (v: Variant) => string[];
  fix: { resolution: string; commands: string[] };
}

const j = (v: Variant, ident: string, pid: number | null, msg: string): string => `${v.time} ${v.host} ${ident}${pid === null ? '' : `[${pid}]`}: ${msg}`;
const pid1 = (v: Variant, msg: string): string => j(v, 'systemd', 1, msg);
const failed = (v: Variant, unit: string, status: string, description: string): string[] => [
  pid1(v, `${unit}: ${unit.startsWith('nginx') ? 'Control' : 'Main'} process exited, code=exited, status=${status}`),
  pid1(v, `${unit}: Failed with result 'exit-code'.`),
  pid1(v, `Failed to start ${unit} - ${description}.`),
];

export const VARIANTS: Variant[] = [
  { time: '2026-03-01T10:00:00+0000', host: 'web-1', pid: 1234, pid2: 1240, port: 80, ip: '203.0.113.7', n: 14, wording: 0 },
  { time: '2026-04-17T23:41:09+0000', host: 'oci-micro-2', pid: 98765, pid2: 98770, port: 8080, ip: '198.51.100.23', n: 57, wording: 1 },
  { time: '2026-06-30T04:12:55+0000', host: 'edge-eu', pid: 412, pid2: 415, port: 443, ip: '192.0.2.200', n: 3, wording: 2 },
];

export const SCENARIOS: Scenario[] = [
  {
    name: 'bad nginx config',
    source: 'mcp',
    subject: 'nginx.service',
    summaries: ['nginx config test fails: unknown directive proxy_pas', 'nginx.service will not start after app.conf was edited', 'nginx is down; nginx -t reports an unknown directive'],
    lines: (v) => [
      j(v, 'nginx', v.pid, `nginx: [emerg] unknown directive "proxy_pas" in /etc/nginx/sites-enabled/app.conf:${v.n}`),
      j(v, 'nginx', v.pid, 'nginx: configuration file /etc/nginx/nginx.conf test failed'),
      ...failed(v, 'nginx.service', '1/FAILURE', 'A high performance web server and a reverse proxy server'),
    ],
    fix: { resolution: 'restored app.conf from its backup', commands: ['cp /etc/nginx/sites-enabled/app.conf.bak /etc/nginx/sites-enabled/app.conf', 'nginx -t', 'systemctl restart nginx'] },
  },
  {
    name: 'port already in use',
    source: 'mcp',
    subject: 'nginx.service',
    summaries: [`nginx failed to start: bind() to 0.0.0.0:80 failed (98: …)`, 'nginx cannot bind its port, something else holds it', 'port taken, nginx will not come up'],
    lines: (v) => [
      j(v, 'nginx', v.pid, `nginx: [emerg] bind() to 0.0.0.0:${v.port} failed (98: Address already in use)`),
      j(v, 'nginx', v.pid, `nginx: [emerg] bind() to [::]:${v.port} failed (98: Address already in use)`),
      j(v, 'nginx', v.pid, 'nginx: [emerg] still could not bind()'),
      ...failed(v, 'nginx.service', '1/FAILURE', 'A high performance web server and a reverse proxy server'),
    ],
    fix: { resolution: 'apache2 held the port: stopped and disabled it', commands: ['systemctl disable --now apache2', 'systemctl restart nginx'] },
  },
  {
    name: 'unit killed for memory',
    source: 'healthcheck',
    subject: 'app.service',
    lines: (v) => [
      j(v, 'kernel', null, `Out of memory: Killed process ${v.pid} (node) total-vm:${1_000_000 + v.n * 1000}kB, anon-rss:${600_000 + v.n * 300}kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:${1200 + v.n}kB oom_score_adj:0`),
      pid1(v, 'app.service: A process of this unit has been killed by the OOM killer.'),
      pid1(v, 'app.service: Main process exited, code=killed, status=9/KILL'),
      pid1(v, "app.service: Failed with result 'oom-kill'."),
    ],
    fix: { resolution: 'capped the node heap below the VM memory', commands: ['systemctl set-property app.service Environment=NODE_OPTIONS=--max-old-space-size=384', 'systemctl restart app'] },
  },
  {
    name: 'missing binary (203/EXEC)',
    source: 'healthcheck',
    subject: 'worker.service',
    lines: (v) => [
      j(v, 'systemd', v.pid2, 'worker.service: Failed to locate executable /opt/worker/bin/worker: No such file or directory'),
      j(v, 'systemd', v.pid2, 'worker.service: Failed at step EXEC spawning /opt/worker/bin/worker: No such file or directory'),
      ...failed(v, 'worker.service', '203/EXEC', 'Queue worker'),
    ],
    fix: { resolution: 'redeployed the worker release', commands: ['/opt/worker/deploy.sh current', 'systemctl restart worker'] },
  },
  {
    name: 'full disk',
    source: 'healthcheck',
    subject: '/',
    lines: (v) => [
      j(v, 'systemd-journald', 231 + v.n, 'Failed to open system journal: No space left on device'),
      j(v, 'rsyslogd', v.pid, `file '/var/log/syslog'[7] write error - see https://www.rsyslog.com/solving-rsyslog-write-errors/ for help OS error: No space left on device [v8.2302.0 try https://www.rsyslog.com/e/2027 ]`),
    ],
    fix: { resolution: 'vacuumed the journal and cleaned the apt cache', commands: ['journalctl --vacuum-size=200M', 'apt-get clean'] },
  },
  {
    name: 'expired certificate',
    source: 'mcp',
    subject: 'nginx.service',
    summaries: ['upstream TLS fails: certificate has expired', 'nginx proxy gets 502, upstream cert expired', 'TLS handshake to the backend fails (expired cert)'],
    lines: (v) => [
      j(v, 'nginx', v.pid, `2026/03/01 10:00:00 [error] ${v.pid2}#${v.pid2}: *${v.n} upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream, client: ${v.ip}, server: example.com, request: "GET / HTTP/1.1", upstream: "https://10.0.0.5:${v.port}/", host: "example.com"`),
    ],
    fix: { resolution: 'renewed the backend certificate', commands: ['certbot renew --cert-name backend.example.com --force-renewal', 'systemctl reload nginx'] },
  },
  {
    name: 'failed apt run',
    source: 'healthcheck',
    subject: 'apt-daily-upgrade.service',
    lines: (v) => [
      j(v, 'unattended-upgrade', v.pid, "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem."),
      ...failed(v, 'apt-daily-upgrade.service', '1/FAILURE', 'Daily apt upgrade and clean activities'),
    ],
    fix: { resolution: 'finished the interrupted dpkg run', commands: ['dpkg --configure -a', 'systemctl start apt-daily-upgrade.service'] },
  },
  {
    name: 'brute-forced sshd',
    source: 'healthcheck',
    subject: 'ssh.service',
    lines: (v) => [
      j(v, 'sshd', v.pid, `Invalid user admin from ${v.ip} port ${40000 + v.n}`),
      j(v, 'sshd', v.pid, `Failed password for invalid user admin from ${v.ip} port ${40000 + v.n} ssh2`),
      j(v, 'sshd', v.pid, `error: maximum authentication attempts exceeded for invalid user admin from ${v.ip} port ${40000 + v.n} ssh2 [preauth]`),
    ],
    fix: { resolution: 'installed fail2ban', commands: ['apt-get install -y fail2ban', 'systemctl enable --now fail2ban'] },
  },
  {
    name: 'failing cron job',
    source: 'mcp',
    subject: 'cron.service',
    summaries: ['nightly backup cron job fails: /srv/data missing', 'backup.sh from cron exits with rsync code 23', 'cron backup broken, rsync cannot find the source dir'],
    lines: (v) => [
      j(v, 'CRON', v.pid, '(root) CMD (/usr/local/bin/backup.sh)'),
      j(v, 'backup', v.pid2, 'rsync: [sender] change_dir "/srv/data" failed: No such file or directory (2)'),
      j(v, 'backup', v.pid2, 'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]'),
    ],
    fix: { resolution: 'the data volume was not mounted', commands: ['mount /srv/data', '/usr/local/bin/backup.sh'] },
  },
  {
    name: 'crash loop',
    source: 'healthcheck',
    subject: 'api.service',
    lines: (v) => [
      j(v, 'node', v.pid, "Error: Cannot find module 'express'"),
      pid1(v, 'api.service: Main process exited, code=exited, status=1/FAILURE'),
      pid1(v, "api.service: Failed with result 'exit-code'."),
      pid1(v, `api.service: Scheduled restart job, restart counter is at ${v.n}.`),
      pid1(v, 'api.service: Start request repeated too quickly.'),
    ],
    fix: { resolution: 'reinstalled the dependencies', commands: ['npm ci --omit=dev --prefix /srv/api', 'systemctl restart api'] },
  },
];

/** Near misses: each must get no suggestion the first time, and its own fix once learned. */
export const DISTRACTORS: Scenario[] = [
  {
    name: 'nginx fails for a missing certificate (same unit, another reason)',
    source: 'mcp',
    subject: 'nginx.service',
    summaries: ['nginx will not start', 'nginx.service failed again', 'nginx down after reload'],
    lines: (v) => [
      j(v, 'nginx', v.pid, 'nginx: [emerg] cannot load certificate "/etc/letsencrypt/live/example.com/fullchain.pem": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:calling fopen(/etc/letsencrypt/live/example.com/fullchain.pem, r) error:10000080:BIO routines::no such file)'),
      j(v, 'nginx', v.pid, 'nginx: configuration file /etc/nginx/nginx.conf test failed'),
      ...failed(v, 'nginx.service', '1/FAILURE', 'A high performance web server and a reverse proxy server'),
    ],
    fix: { resolution: 'reissued the certificate', commands: ['certbot certonly --nginx -d example.com', 'systemctl restart nginx'] },
  },
  {
    name: 'app exits on a port clash (same unit, another reason)',
    source: 'healthcheck',
    subject: 'app.service',
    lines: (v) => [
      j(v, 'node', v.pid, `Error: listen EADDRINUSE: address already in use :::${3000 + v.n}`),
      pid1(v, 'app.service: Main process exited, code=exited, status=1/FAILURE'),
      pid1(v, "app.service: Failed with result 'exit-code'."),
    ],
    fix: { resolution: 'a stale copy held the port', commands: ['pkill -f "node /srv/app/old.js"', 'systemctl restart app'] },
  },
  {
    name: 'worker binary not executable (same unit, another reason)',
    source: 'healthcheck',
    subject: 'worker.service',
    lines: (v) => [
      j(v, 'systemd', v.pid2, 'worker.service: Failed to execute /opt/worker/bin/worker: Permission denied'),
      j(v, 'systemd', v.pid2, 'worker.service: Failed at step EXEC spawning /opt/worker/bin/worker: Permission denied'),
      ...failed(v, 'worker.service', '203/EXEC', 'Queue worker'),
    ],
    fix: { resolution: 'restored the exec bit', commands: ['chmod 755 /opt/worker/bin/worker', 'systemctl restart worker'] },
  },
  {
    name: 'sshd cannot bind (same unit, another reason)',
    source: 'healthcheck',
    subject: 'ssh.service',
    lines: (v) => [
      j(v, 'sshd', v.pid, 'error: Bind to port 22 on 0.0.0.0 failed: Address already in use.'),
      j(v, 'sshd', v.pid, 'fatal: Cannot bind any address.'),
      ...failed(v, 'ssh.service', '255/EXCEPTION', 'OpenBSD Secure Shell server'),
    ],
    fix: { resolution: 'a debug sshd held port 22', commands: ['kill $(cat /run/sshd-debug.pid)', 'systemctl restart ssh'] },
  },
  {
    name: 'apt lock held (same unit, another reason)',
    source: 'healthcheck',
    subject: 'apt-daily-upgrade.service',
    lines: (v) => [
      j(v, 'unattended-upgrade', v.pid, `E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process ${v.pid2} (apt-get)`),
      ...failed(v, 'apt-daily-upgrade.service', '1/FAILURE', 'Daily apt upgrade and clean activities'),
    ],
    fix: { resolution: 'waited for the manual apt-get to finish', commands: ['sleep 300', 'systemctl start apt-daily-upgrade.service'] },
  },
  {
    name: 'api crash loop on a database refusal (same unit, another reason)',
    source: 'healthcheck',
    subject: 'api.service',
    lines: (v) => [
      j(v, 'node', v.pid, `Error: connect ECONNREFUSED 127.0.0.1:${5432}`),
      pid1(v, 'api.service: Main process exited, code=exited, status=1/FAILURE'),
      pid1(v, "api.service: Failed with result 'exit-code'."),
      pid1(v, `api.service: Scheduled restart job, restart counter is at ${v.n}.`),
    ],
    fix: { resolution: 'started the database first', commands: ['systemctl start postgresql', 'systemctl restart api'] },
  },
  {
    name: 'the nginx bind line from another nginx unit (same message, another unit)',
    source: 'mcp',
    subject: 'nginx-admin.service',
    summaries: ['admin nginx instance fails to bind', 'nginx-admin down: port in use', 'second nginx cannot start'],
    lines: (v) => [j(v, 'nginx', v.pid, `nginx: [emerg] bind() to 0.0.0.0:${v.port + 1} failed (98: Address already in use)`)],
    fix: { resolution: 'moved the admin instance to its own port', commands: ['sed -i s/listen 80/listen 8081/ /etc/nginx-admin/nginx.conf', 'systemctl restart nginx-admin'] },
  },
  {
    name: 'postgres killed for memory (same message, another unit)',
    source: 'healthcheck',
    subject: 'postgresql@15-main.service',
    lines: (v) => [
      j(v, 'kernel', null, `Out of memory: Killed process ${v.pid2} (postgres) total-vm:${400_000 + v.n}kB, anon-rss:${200_000 + v.n}kB, file-rss:0kB, shmem-rss:${9000 + v.n}kB, UID:108 pgtables:${500 + v.n}kB oom_score_adj:0`),
      pid1(v, 'postgresql@15-main.service: A process of this unit has been killed by the OOM killer.'),
      pid1(v, "postgresql@15-main.service: Failed with result 'oom-kill'."),
    ],
    fix: { resolution: 'lowered shared_buffers', commands: ['sed -i s/^shared_buffers.*/shared_buffers = 64MB/ /etc/postgresql/15/main/postgresql.conf', 'systemctl restart postgresql@15-main'] },
  },
];
