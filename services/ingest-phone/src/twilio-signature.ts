import { constantTimeEqual, hmacBase64 } from '@switchboard/ingest-kit';

/** Form parameters as Twilio posts them; a repeated name arrives as an array. */
export type TwilioParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * `base64(HMAC-SHA1(authToken, url + name₁value₁ + name₂value₂ …))` with names sorted and, for a
 * repeated name, its distinct values sorted — exactly what the `twilio` package computes.
 */
export function computeTwilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (typeof value === 'string') data += name + value;
    else for (const v of [...new Set(value)].sort()) data += name + v;
  }
  return hmacBase64('sha1', authToken, Buffer.from(data, 'utf8'));
}

/**
 * Whether `signature` (the `X-Twilio-Signature` header) signs this request. Twilio signs the URL
 * as it called it; whether that string carried the scheme's default port depends on how the
 * webhook was configured, so, like the official SDKs, both forms are tried. Compared in constant
 * time.
 */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: TwilioParams): boolean {
  if (!signature) return false;
  return [withoutPort(url), withDefaultPort(url)].some((candidate) =>
    constantTimeEqual(signature, computeTwilioSignature(authToken, candidate, params)));
}

const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;

/** Splits host and port without `new URL()`, which would re-encode the path Twilio signed. */
function split(url: string): { scheme: string; host: string; port: string; rest: string } | undefined {
  const match = AUTHORITY.exec(url);
  if (!match) return undefined;
  const [, scheme = '', authority = '', rest = ''] = match;
  const portStart = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  return portStart === -1
    ? { scheme, host: authority, port: '', rest }
    : { scheme, host: authority.slice(0, portStart), port: authority.slice(portStart), rest };
}

function withoutPort(url: string): string {
  const parts = split(url);
  return parts ? parts.scheme + parts.host + parts.rest : url;
}

function withDefaultPort(url: string): string {
  const parts = split(url);
  if (!parts || parts.port) return url;
  return parts.scheme + parts.host + (parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + parts.rest;
}
