import { SCOPE_OPERATE } from './scopes';

/** What the owner sees before allowing a client in. */
export interface ConsentView {
  consentId: string;
  clientName: string;
  clientId: string;
  redirectHost: string;
  requestedScopes: string[];
  hostName: string;
  /** Set after a failed try: why, in one sentence. */
  error?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Headers for the page: nothing loads from elsewhere, and no other site can frame it (clickjacking). */
export const CONSENT_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

/** Pure: the consent form. The consent id in it is the CSRF token: random, single use, bound to this request. */
export function renderConsentPage(v: ConsentView): string {
  const operate = v.requestedScopes.includes(SCOPE_OPERATE);
  const name = escapeHtml(v.clientName);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Allow ${name} on ${escapeHtml(v.hostName)}?</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}code,input[name=code]{font-family:ui-monospace,monospace}
.err{color:#a00;font-weight:600}fieldset{border:1px solid #ccc;margin:1rem 0}button{font-size:1rem;padding:.4rem 1rem;margin-right:.5rem}</style></head>
<body>
<h1>Allow <q>${name}</q> to operate ${escapeHtml(v.hostName)}?</h1>
<p>Client: <code>${escapeHtml(v.clientId)}</code><br>It will be sent back to: <strong>${escapeHtml(v.redirectHost)}</strong></p>
<p>Continue only if you started this connection yourself, just now, from that site.</p>
${v.error ? `<p class="err">${escapeHtml(v.error)}</p>` : ''}
<form method="post" action="/oauth/consent">
<input type="hidden" name="consent" value="${escapeHtml(v.consentId)}">
<fieldset><legend>Access</legend>
<label><input type="radio" name="access" value="read" ${operate ? '' : 'checked'}> Read only: look at the host, change nothing (mcp:read)</label><br>
${operate ? '<label><input type="radio" name="access" value="operate" checked> Operate: everything the policy allows, as over ssh (mcp:operate)</label>' : ''}
</fieldset>
<p><label>Pairing code, from <code>sudo ldm-mcp-server pair</code> on the host:<br>
<input name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" size="12" required autofocus></label></p>
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form>
</body></html>
`;
}

/** Pure: a page that ends the flow with one sentence (expired request, burned code). */
export function renderMessagePage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>\n`;
}
