import type { NotifyMessage } from './build-message';

/** Pure: a header value, RFC 2047-encoded when it is not plain ASCII; never a line break (header injection). */
export function headerValue(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
   
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}

/** Pure: the RFC 5322 message for `msg`, CRLF line ends, 8bit UTF-8 body. */
export function emailMessage(msg: NotifyMessage, from: string, to: string[], now: Date, messageId: string): string {
  const headers = [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: ${headerValue(msg.title)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    'Auto-Submitted: auto-generated',
    `X-Priority: ${msg.severity === 'crit' && !msg.recovered ? 1 : 3}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${msg.body.replace(/\r?\n/g, '\r\n')}\r\n`;
}
