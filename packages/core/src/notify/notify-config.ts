import * as z from 'zod';

// The owner's notification channels (notify.channels) and the push heartbeat (heartbeat.url).
// Secrets (URLs with tokens, passwords) may come from files readable only by root: *File keys.

const SecretFile = z.string().startsWith('/', { message: 'must be an absolute path' });
const ChannelName = z.string().regex(/^[\w.-]{1,40}$/, { message: 'letters, digits, ".", "_" or "-", at most 40' });
const HttpUrl = z.url({ protocol: /^https?$/ });

const common = {
  /** How the channel is named in logs, state and the briefing (never its URL); default `<kind>-<index>`. */
  name: ChannelName.optional(),
  /** Findings below this severity are not sent on this channel. */
  minSeverity: z.enum(['warn', 'crit']).default('warn'),
};

const WebhookChannelSchema = z
  .strictObject({
    kind: z.literal('webhook'),
    ...common,
    url: HttpUrl.optional(),
    /** A file (mode 0600/0400, root) holding the URL, for URLs that carry a token (Slack, Discord). */
    urlFile: SecretFile.optional(),
    /** json: our own document; slack: {text}; discord: {content}. */
    format: z.enum(['json', 'slack', 'discord']).default('json'),
  })
  .refine((c) => (c.url === undefined) !== (c.urlFile === undefined), { message: 'a webhook takes exactly one of url and urlFile' });

const NtfyChannelSchema = z.strictObject({
  kind: z.literal('ntfy'),
  ...common,
  server: HttpUrl.default('https://ntfy.sh'),
  topic: z.string().regex(/^[\w-]{1,64}$/, { message: 'an ntfy topic: letters, digits, "_" or "-", at most 64' }),
  /** An access token (tk_…) for a protected topic. */
  tokenFile: SecretFile.optional(),
});

const EmailChannelSchema = z
  .strictObject({
    kind: z.literal('email'),
    ...common,
    from: z.email(),
    to: z.array(z.email()).min(1).max(20),
    /** Through an SMTP server; without it, through the local sendmail. */
    smtp: z
      .strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        /** starttls: upgrade after EHLO (587); tls: TLS from the start (465); none: plain (a local relay only). */
        security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
        user: z.string().min(1).optional(),
        passwordFile: SecretFile.optional(),
      })
      .refine((s) => (s.user === undefined) === (s.passwordFile === undefined), { message: 'smtp.user and smtp.passwordFile go together' })
      .optional(),
    sendmail: z.string().startsWith('/').default('/usr/sbin/sendmail'),
  });

export const ChannelSchema = z.discriminatedUnion('kind', [WebhookChannelSchema, NtfyChannelSchema, EmailChannelSchema]);

export const NotifyConfigSchema = z
  .strictObject({
    channels: z.array(ChannelSchema).max(16).default([]),
    /** Shown as the host in every message; default the host name. */
    host: z.string().min(1).max(253).optional(),
    /** The same event (channel, finding, kind) is not sent twice within this. */
    dedupMin: z.number().min(0).max(10_080).default(60),
    /** Per channel: at most this many messages in an hour; the rest are dropped and counted. */
    maxPerHour: z.number().int().min(1).max(3600).default(20),
    /** One send's time limit. */
    timeoutMs: z.number().int().min(100).max(60_000).default(3000),
    /** What one run may spend sending, all channels together; what is left waits for the next run. */
    budgetMs: z.number().int().min(100).max(60_000).default(6000),
    /** A message that could not be sent is retried on later runs (backoff doubling from retryMinSec) up to this age. */
    maxAgeMin: z.number().min(1).max(10_080).default(1440),
    retryMinSec: z.number().int().min(1).max(3600).default(60),
    retryMaxSec: z.number().int().min(1).max(86_400).default(3600),
    /** Messages waiting in state.json; the oldest are dropped past it. */
    maxPending: z.number().int().min(1).max(1000).default(100),
    /** A channel that failed this many sends in a row is itself reported (a finding, an incident, the briefing). */
    failingAfter: z.number().int().min(1).max(100).default(3),
  })
  .refine((n) => new Set(n.channels.map((c, i) => channelNameOf(c, i))).size === n.channels.length, { message: 'channel names must be unique' });

export const HeartbeatConfigSchema = z
  .strictObject({
    /** The push URL pinged by every healthcheck run (healthchecks.io check URL, Uptime Kuma push URL). */
    url: HttpUrl.optional(),
    urlFile: SecretFile.optional(),
    /**
     * How the failure form is made when the status is critical: healthchecks appends /fail to the
     * path; uptime-kuma sets status=down in the query; failUrl names it outright.
     */
    style: z.enum(['healthchecks', 'uptime-kuma']).default('healthchecks'),
    failUrl: HttpUrl.optional(),
    failUrlFile: SecretFile.optional(),
    /** The status from which the failure form is used. */
    failOn: z.enum(['warn', 'crit']).default('crit'),
    method: z.enum(['GET', 'POST']).default('GET'),
    timeoutMs: z.number().int().min(100).max(30_000).default(3000),
  })
  .refine((h) => !(h.url !== undefined && h.urlFile !== undefined), { message: 'heartbeat takes url or urlFile, not both' })
  .refine((h) => !(h.failUrl !== undefined && h.failUrlFile !== undefined), { message: 'heartbeat takes failUrl or failUrlFile, not both' });

export type ChannelConfig = z.infer<typeof ChannelSchema>;
export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
export type HeartbeatConfig = z.infer<typeof HeartbeatConfigSchema>;

/** Pure: the name a channel goes by everywhere (never its URL, which may carry a token). */
export function channelNameOf(channel: Pick<ChannelConfig, 'kind' | 'name'>, index: number): string {
  return channel.name ?? `${channel.kind}-${index + 1}`;
}

/** Pure: every secret file the config names, for the sandbox and the policy to hide. */
export function notifySecretFiles(config: { notify: NotifyConfig; heartbeat: HeartbeatConfig }): string[] {
  const files: string[] = [];
  for (const c of config.notify.channels) {
    if (c.kind === 'webhook' && c.urlFile) files.push(c.urlFile);
    if (c.kind === 'ntfy' && c.tokenFile) files.push(c.tokenFile);
    if (c.kind === 'email' && c.smtp?.passwordFile) files.push(c.smtp.passwordFile);
  }
  if (config.heartbeat.urlFile) files.push(config.heartbeat.urlFile);
  if (config.heartbeat.failUrlFile) files.push(config.heartbeat.failUrlFile);
  return [...new Set(files)];
}
