// Removes secrets from text before it reaches the model or the logs. Pure and linear-time: every
// pattern is anchored on a fixed marker or a bounded run, so a 64 KiB blob of base64 stays fast
// (bench/policy-redact.bench.mjs). It errs towards redacting: a false positive costs a re-read,
// a false negative leaks a credential into a transcript.

const R = '[REDACTED]';

/** Tokens recognisable by their own shape, wherever they appear. */
const TOKEN_PATTERNS: RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, // GitHub classic tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g, // GitHub fine-grained tokens
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bxox[abposrec]-[A-Za-z0-9-]{10,}\b/g, // Slack tokens
  /\bxapp-\d-[A-Za-z0-9-]{10,}\b/g, // Slack app tokens
  /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g, // Slack webhooks
  /\bsk-(?:ant-|proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{20,}\b/g, // OpenAI, Anthropic, OpenRouter
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bya29\.[0-9A-Za-z_-]{20,}/g, // Google OAuth access tokens
  /\bnpm_[A-Za-z0-9]{36}\b/g, // npm
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\bdop_v1_[a-f0-9]{64}\b/g, // DigitalOcean
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, // SendGrid
  /\bey[JK][A-Za-z0-9_-]{6,}\.ey[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g, // JWTs (header.payload.signature)
  /\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5|apr1)\$[./A-Za-z0-9$=,]{0,64}\$[./A-Za-z0-9]{16,}/g, // crypt(3) password hashes (/etc/shadow lines)
];

/** All of TOKEN_PATTERNS in one pass: one regex to compile and one scan instead of seventeen. */
const ANY_TOKEN = new RegExp(TOKEN_PATTERNS.map((re) => re.source).join('|'), 'g');

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
/** Authorization: Bearer x / Basic x / token x, and bare "Bearer x" in curl commands and logs. */
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token|token|bearer|Bot)(\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const AUTH_HEADER = /\b((?:Proxy-)?Authorization|X-Api-Key|X-Auth-Token|Api-Key|X-Vault-Token|Cookie|Set-Cookie|PRIVATE-TOKEN)(\s*:\s*)([^\r\n"']+)/gi;
/** user:password@ in URLs. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s/:@'"]{0,256}):([^\s/@'"]{1,256})@/gi;
/** Signed URL parameters (S3 presigned URLs and the like). */
const URL_SIGNATURE = /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|signature|token|access_token|api_key|apikey|key)=)[^&\s'"#]+/gi;
/** --password value, --token=value on command lines. */
const FLAG_VALUE = /(--?(?:password|passwd|pass|token|secret|api-key|apikey|access-key|secret-key|client-secret|auth-token)(?:=|\s+))("[^"\n]*"|'[^'\n]*'|[^\s'"]+)/gi;
/** NAME = value, NAME: value, "NAME": "value". The name is checked against SECRET_NAME in the callback. */
// The lookbehind starts a match only where a name can begin, so a long run of letters costs one attempt, not one per character.
const KEY_VALUE = /(?<![A-Za-z0-9_.-])(\\?["']?)([A-Za-z_][A-Za-z0-9_.-]{0,63})\1([ \t]*[=:][ \t]*)(\\"(?:[^"\\\n]|\\[^"\n]){0,4096}\\"|"(?:[^"\\\n]|\\.){0,4096}"|'[^'\n]{0,4096}'|[^\s"'\\,;&}\])]{1,4096})/g;
const SECRET_NAME = /pass(?:wd|word|phrase)?$|^pass|passw|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credential|auth[_-]?key|signing[_-]?key|encryption[_-]?key|session[_-]?key|^key$|_key$|-key$|connection[_-]?string|dsn$/i;
/** Values that are plainly not secrets: keep them, so config dumps stay readable. */
const HARMLESS_VALUE = /^(?:["']?)(?:null|none|true|false|yes|no|\*+|x+|<[^>]*>|\[REDACTED[^\]]*\]|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|)(?:["']?)$/i;
/** Node's errno names ("ENOENT: no such file"): after a name like http-token they read as its value. */
const ERRNO_VALUE = /^E[A-Z0-9]{2,15}:$/;
/** Names that contain a secret word but are not secrets (counts, limits, file paths). */
const HARMLESS_NAME = /(?:max|min|num|count|limit|length|len|size|expir|ttl|timeout|type|file|path|dir|url|endpoint|id|name|policy|auth_?method|authentication|required|enabled|usage|_at|prompt|tokens)$|^(?:max|min|num|total|n)[_-]/i;

/** Replaces secrets in free text with [REDACTED]. Pure; safe on large tool outputs. */
export function redactSecrets(text: string): string {
  if (text.length === 0) return text;
  let out = text.replace(PRIVATE_KEY, (_m, kind: string) => `[REDACTED ${kind}]`);
  out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${R}@`);
  out = out.replace(AUTH_HEADER, (_m, name: string, sep: string, value: string) => {
    const scheme = /^(Bearer|Basic|Digest|Token|Bot|Negotiate|AWS4-HMAC-SHA256)\s/i.exec(value);
    return `${name}${sep}${scheme ? scheme[0] : ''}${R}`;
  });
  out = out.replace(AUTH_SCHEME, (_m, scheme: string, sp: string) => `${scheme}${sp}${R}`);
  out = out.replace(ANY_TOKEN, R);
  out = out.replace(URL_SIGNATURE, (_m, name: string) => `${name}${R}`);
  out = out.replace(FLAG_VALUE, (_m, flag: string) => `${flag}${R}`);
  return redactKeyValues(out);
}

/**
 * NAME=value pairs. A manual loop rather than replace(): when a name is not a secret, scanning
 * resumes right after its separator, so `"command":"echo password=x"` still finds the password
 * inside the value.
 */
function redactKeyValues(text: string): string {
  const re = new RegExp(KEY_VALUE.source, 'g');
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [all, q, name, sep, value] = m as unknown as [string, string, string, string, string];
    const secret = SECRET_NAME.test(name) && !HARMLESS_NAME.test(name) && !HARMLESS_VALUE.test(value.replace(/\\/g, '')) && !ERRNO_VALUE.test(value) && !value.replace(/^\\?["']/, '').startsWith('[REDACTED');
    if (!secret) {
      re.lastIndex = m.index + all.length - value.length;
      continue;
    }
    const open = /^(\\?["'])/.exec(value)?.[1] ?? '';
    out += text.slice(last, m.index) + `${q}${name}${q}${sep}${open}${R}${open}`;
    last = m.index + all.length;
  }
  return out + text.slice(last);
}


