// A received message as tests read it, parsed by mailparser the way a mail client would.
import type { AddressObject, HeaderLines, HeaderValue, ParsedMail, StructuredHeader } from 'mailparser';
import { simpleParser } from 'mailparser';
import type { ParsedAttachment, ParsedMessage } from './types';

const addressesOf = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((object) => object.value)
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .map((entry) => entry.address ?? '')
    .filter((address) => address.length > 0);

const headersOf = (lines: HeaderLines): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}\n${value}`;
  }
  return headers;
};

const isStructured = (value: HeaderValue | undefined): value is StructuredHeader =>
  typeof value === 'object' &&
  !Array.isArray(value) &&
  !(value instanceof Date) &&
  'params' in value &&
  'value' in value;

const methodOf = (attachment: ParsedMail['attachments'][number]): string | null => {
  if (!attachment.contentType.startsWith('text/calendar')) return null;
  const header = attachment.headers.get('content-type');
  const method = isStructured(header) ? header.params['method'] : undefined;
  return method ? method.toUpperCase() : null;
};

export const parseMessage = async (
  raw: Buffer,
  meta: { id: string; receivedAt: string; envelope: ParsedMessage['envelope'] },
): Promise<ParsedMessage> => {
  const mail = await simpleParser(raw, { skipImageLinks: true });
  const attachments: ParsedAttachment[] = mail.attachments.map((attachment) => ({
    filename: attachment.filename ?? null,
    contentType: attachment.contentType,
    method: methodOf(attachment),
    content: attachment.content,
    size: attachment.size,
  }));
  return {
    ...meta,
    from: addressesOf(mail.from)[0] ?? '',
    to: addressesOf(mail.to),
    subject: mail.subject ?? '',
    html: typeof mail.html === 'string' ? mail.html : null,
    text: mail.text ?? null,
    attachments,
    messageId: mail.messageId ?? null,
    headers: headersOf(mail.headerLines),
    raw,
  };
};
