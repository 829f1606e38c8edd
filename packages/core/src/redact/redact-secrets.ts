// Placeholder until the policy work lands a full redactor; keeps obvious secrets out of logs.
const KEY_VALUE = /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** Replaces secrets in free text with [REDACTED]. Pure. */
export function redactSecrets(text: string): string {
  return text.replace(PRIVATE_KEY, '[REDACTED PRIVATE KEY]').replace(KEY_VALUE, '$1$2[REDACTED]');
}
