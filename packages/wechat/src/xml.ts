import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WeChatErrorCode, WeChatProtocolError } from './errors.js';

/** The text fields directly under WeChat's `<xml>` root, by tag name. Nested elements are left out. */
export type WeChatXml = Readonly<Record<string, string>>;

/** Largest callback body read; WeChat's own are a few kilobytes. */
export const MAX_XML_LENGTH = 64 * 1024;

// Entities and DOCTYPE off: WeChat never sends them, and a DOCTYPE is how XXE and entity-expansion
// ("billion laughs") attacks start. parseTagValue off keeps the 64-bit MsgId exact as a string.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  maxNestedTags: 16,
});

// CDATA may legally hold "<!DOCTYPE" (a customer can type it); only markup outside CDATA counts.
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;

/**
 * Parses a WeChat callback body into its root's text fields.
 * @throws WeChatProtocolError `WECHAT.BAD_XML` for malformed XML, a DOCTYPE or entity
 * declaration, a root other than `<xml>`, or a field that occurs twice (ambiguous: the signed
 * copy and the used copy could differ).
 */
export function parseWeChatXml(text: string): WeChatXml {
  if (text.length > MAX_XML_LENGTH) throw bad('body too large');
  if (DECLARATION.test(text.replace(CDATA, ''))) throw bad('DOCTYPE and entity declarations are refused');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw bad(`malformed XML: ${valid.err.msg}`);
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw bad('malformed XML', error);
  }
  const root = (doc as Record<string, unknown>).xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    if (root === '') return {};
    throw bad('root element must be <xml>');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root as Record<string, unknown>)) {
    if (Array.isArray(value)) throw bad(`field ${name} occurs more than once`);
    if (typeof value === 'string' && name !== '#text') fields[name] = value;
  }
  return fields;
}

/**
 * Reads a required field, trimmed (the samples put blanks around CDATA).
 * @throws WeChatProtocolError `WECHAT.BAD_XML` naming the field when it is missing or empty.
 */
export function requireField(xml: WeChatXml, name: string): string {
  const value = xml[name]?.trim();
  if (!value) throw bad(`field ${name} is missing`);
  return value;
}

/**
 * Reads a required field exactly as received, blanks included: for values a signature covers
 * (WeChat signs the `Encrypt` text as it sent it, so a trimmed copy would verify a different
 * string than the one signed).
 * @throws WeChatProtocolError `WECHAT.BAD_XML` naming the field when it is missing or blank.
 */
export function requireExactField(xml: WeChatXml, name: string): string {
  const value = xml[name];
  if (value === undefined || value.trim() === '') throw bad(`field ${name} is missing`);
  return value;
}

/** Reads an optional field, trimmed; `undefined` when absent or blank. */
export function optionalField(xml: WeChatXml, name: string): string | undefined {
  const value = xml[name]?.trim();
  return value ? value : undefined;
}

/**
 * Writes `<xml>` with one element per field: strings in CDATA (a `]]>` inside is split across two
 * sections), numbers bare, as WeChat's own replies are written.
 */
export function buildWeChatXml(fields: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(fields).map(([name, value]) =>
    typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${name}>`,
  );
  return `<xml>${parts.join('')}</xml>`;
}

function bad(message: string, cause?: unknown): WeChatProtocolError {
  return new WeChatProtocolError(WeChatErrorCode.badXml, message, { cause });
}
