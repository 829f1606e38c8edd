import * as z from 'zod';
import { CommandRuleString, PolicyConfigSchema } from '../policy/policy-config';
import { ChecksConfigSchema } from '../checks/check-settings';
import { CustomChecksSchema } from '../checks/custom/custom-check-config';
import { HeartbeatConfigSchema, NotifyConfigSchema } from '../notify/notify-config';
import { JournalSettingsSchema } from '../checks/journal-settings';

const percent = z.number().min(0).max(100);

/**
 * The largest MCP message a server reads, on stdio and (by default) over HTTP: write_file takes up
 * to 8 Mi characters, and in JSON each may take 3 bytes (UTF-8 beyond Latin) or 2 (\n, \", \\);
 * plus room for the envelope. Text full of other control characters (\u00XX, 6 bytes) can exceed it.
 */
export const MCP_MAX_MESSAGE_BYTES = 3 * 8_388_608 + 1_048_576;

export const ConfigSchema = z.strictObject({
  logging: z
    .strictObject({
      level: z.enum(['error', 'warn', 'notice', 'info', 'debug']).default('info'),
      errorLogMaxBytes: z.number().int().min(4096).default(1_048_576),
      errorLogFiles: z.number().int().min(1).max(50).default(5),
    })
    .prefault({}),
  state: z
    .strictObject({
      /**
       * Only for a lock that names no holder (made by an older release): taken over when unchanged
       * this long (proper-lockfile's minimum is 2000). A lock that names its holder is taken over at
       * once when the holder is dead, and never while it lives (docs/daemons.md, "State files and locks").
       */
      lockStaleMs: z.number().int().min(2000).max(600_000).default(10_000),
      /** How long a writer waits for a live lock holder before it fails, naming the holder's pid. */
      lockWaitMs: z.number().int().min(1000).max(600_000).default(30_000),
      maxIncidents: z.number().int().min(10).max(1_000_000).default(5000),
    })
    .prefault({}),
  policy: PolicyConfigSchema.prefault({}),
  healthcheck: z
    .strictObject({
      checks: ChecksConfigSchema.default({}),
      /** The owner's own checks (docs/checks.md). */
      custom: CustomChecksSchema.default([]),
      /** The journal check: error-priority lines since the last run, grouped (checks/journal-errors.ts). */
      journal: JournalSettingsSchema.prefault({}),
      heartbeatStaleSec: z.number().int().min(10).default(300),
      killStaleSessions: z.boolean().default(false),
      restartCap: z.strictObject({ max: z.number().int().min(0).default(3), windowMin: z.number().min(1).default(15) }).prefault({}),
      /** Each check gets this long before it counts as failed; the others carry on. */
      checkTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      /** The MCP HTTP transport, probed only when its unit file is installed. */
      http: z
        .strictObject({
          unit: z.string().regex(/^[\w@.:-]+\.service$/).default('ldm-mcp-http.service'),
          /** Defaults to /mcp on http.listen (a wildcard address is probed on loopback), so a moved port is followed. */
          url: z.url().optional(),
          /** Defaults to http.tokenFile, the file the server itself reads. */
          tokenFile: z.string().optional(),
          timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Where findings are sent (docs/notify.md). */
  notify: NotifyConfigSchema.prefault({}),
  /** The push heartbeat each healthcheck run sends (docs/notify.md). */
  heartbeat: HeartbeatConfigSchema.prefault({}),
  idle: z
    .strictObject({
      cpuPercent: percent.default(5),
      minutes: z.number().min(1).default(30),
      shape: z.enum(['auto', 'micro', 'a1', 'other']).default('auto'),
      /** Bandwidth that Oracle's "network below 20 %" is measured against; unset = by shape (micro 50, A1 1000 per OCPU). */
      referenceMbps: z.number().positive().optional(),
      /** Warn when this many whole days in a row were idle by Oracle's definition (7 = reclaimed). */
      reclaimWarnDays: z.number().int().min(1).max(7).default(4),
      reclaimCheck: z.boolean().default(true),
    })
    .prefault({}),
  learn: z
    .strictObject({
      autoRemediation: z.boolean().default(false),
      /** Command rules (policy.allow syntax) pre-authorising learned fixes; the policy still decides (fix-gate.ts). */
      autoRemediationAllow: z.array(CommandRuleString).default(['systemctl restart']),
      suggestionMinConfidence: z.number().min(0).max(1).default(0.8),
      /** patterns.json bound; patterns that carry a learned fix are never dropped for space. */
      maxPatterns: z.number().int().min(10).max(100_000).default(2000),
    })
    .prefault({}),
  /** The Streamable HTTP transport (ldm-mcp-server --http). */
  http: z
    .strictObject({
      /** Where to listen when systemd passes no socket. Anything but loopback needs the token too. */
      listen: z.string().default('127.0.0.1:8765'),
      /** One token, mode 0600; setup_mcp.sh generates it. */
      tokenFile: z.string().default('/etc/linux-devops-mcp/http-token'),
      /** Extra Host header values (host:port) to accept, e.g. behind a reverse proxy. */
      allowedHosts: z.array(z.string()).default([]),
      /** Extra browser origins (scheme://host[:port]) to accept. */
      allowedOrigins: z.array(z.string()).default([]),
      maxBodyBytes: z.number().int().min(1024).max(67_108_864).default(MCP_MAX_MESSAGE_BYTES),
      rateLimit: z
        .strictObject({
          /** Authenticated requests, per session (outside a session, per credential). */
          perMinute: z.number().min(1).default(600),
          burst: z.number().int().min(1).default(60),
          /** Requests refused before authentication (no or wrong token, wrong Origin), per address; never counted against a credential. */
          refusedPerMinute: z.number().min(1).default(30),
          refusedBurst: z.number().int().min(1).default(10),
        })
        .prefault({}),
      maxSessions: z.number().int().min(1).max(1000).default(16),
      sessionIdleMin: z.number().min(1).default(30),
      /**
       * https://HOST, the address clients reach the server at through the reverse proxy (setup_mcp.sh --public).
       * Set, it turns on OAuth 2.1 (docs/remote.md): tokens are for PUBLICURL/mcp, and HOST is an allowed Host and Origin.
       */
      publicUrl: z
        .url()
        .refine((u) => new URL(u).origin === u.replace(/\/$/, '') && /^https?:$/.test(new URL(u).protocol), 'an origin such as https://host.example, with no path')
        .optional(),
      oauth: z
        .strictObject({
          /** Grants and token hashes, mode 0600; defaults to oauth.json in the state dir (hidden from the model's commands). */
          file: z.string().optional(),
          accessTokenMin: z.number().int().min(1).max(1440).default(60),
          refreshTokenDays: z.number().int().min(1).max(365).default(30),
          maxGrants: z.number().int().min(1).max(1000).default(20),
          /** `ldm-mcp-server pair`: how long its code is valid, and how many wrong tries burn it. */
          pairCodeMin: z.number().int().min(1).max(60).default(10),
          pairAttempts: z.number().int().min(1).max(10).default(5),
        })
        .prefault({}),
    })
    .prefault({}),
  ollama: z
    .strictObject({
      url: z.url().optional(),
    })
    .prefault({}),
  /** Limits of the MCP server (ldm-mcp-server): output caps, background jobs, audit log. */
  mcp: z
    .strictObject({
      /** stdout and stderr of run_command are each capped to this (the tail is kept). */
      outputMaxBytes: z.number().int().min(1024).max(16_777_216).default(65_536),
      defaultTimeoutSec: z.number().int().min(1).max(86_400).default(30),
      maxTimeoutSec: z.number().int().min(1).max(86_400).default(600),
      maxJobs: z.number().int().min(1).max(100).default(8),
      jobBufferBytes: z.number().int().min(1024).max(67_108_864).default(1_048_576),
      readFileMaxBytes: z.number().int().min(1024).max(67_108_864).default(1_048_576),
      auditMaxBytes: z.number().int().min(4096).default(10_485_760),
      /** Largest tool reply: longer texts in it are cut, with a note saying which and how to read the rest. */
      replyMaxBytes: z.number().int().min(65_536).max(67_108_864).default(1_048_576),
      auditFiles: z.number().int().min(1).max(50).default(5),
      /** Seconds a confirm prompt waits for the human before it counts as declined. */
      confirmTimeoutSec: z.number().int().min(5).max(3600).default(300),
      /** Seconds an approval asked for outside the session (ldm-mcp-server approve) stays valid, answered or not. */
      approvalTtlSec: z.number().int().min(30).max(3600).default(600),
      /** package_action: apt-get is stopped after this (stopping dpkg half-way needs `dpkg --configure -a`, so it is generous). */
      packageTimeoutSec: z.number().int().min(10).max(86_400).default(1800),
      /** package_action: how long to keep retrying while another apt/dpkg (e.g. unattended-upgrades) holds the lock. */
      packageLockWaitSec: z.number().int().min(0).max(3600).default(120),
      /** package_action install: false adds --no-install-recommends. */
      packageInstallRecommends: z.boolean().default(true),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
