import { AuthError, ValidationError } from '@switchboard/ingest-kit';

/**
 * Reads a query string with `decodeURIComponent` only. Form decoding (URLSearchParams, fastify's
 * parser) turns a literal "+" into a space, which breaks base64 echostr and Encrypt values whose
 * signature was computed over the "+"; WeChat's own samples URL-decode without that rule.
 * @throws ValidationError naming the parameter when its percent-encoding is broken.
 */
export function parseRawQuery(url: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const at = url.indexOf('?');
  if (at < 0) return out;
  for (const pair of url.slice(at + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const name = decode(rawName, '(query)');
    // The first occurrence wins: a second `msg_signature` must not replace the signed one.
    if (!(name in out)) out[name] = decode(rawValue, name);
  }
  return out;
}

/**
 * Reads the required query parameters.
 * @throws ValidationError naming the first missing one.
 */
export function requireQuery<K extends string>(query: Record<string, string>, names: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = query[name];
    if (value === undefined || value === '') throw new ValidationError(name, 'required', `query parameter ${name} is required`);
    out[name] = value;
  }
  return out;
}

function decode(text: string, field: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ValidationError(field, 'percent_encoding', `query parameter ${field} is not valid percent-encoding`);
  }
}

/**
 * Reads the signed query parameters (signature, timestamp, nonce…): without them the request
 * carries no credential, which is a 401 and not a malformed request.
 * @throws AuthError('missing') naming the first missing one.
 */
export function requireSigned<K extends string>(query: Record<string, string>, names: readonly K[]): Record<K, string> {
  for (const name of names) {
    if (!query[name]) throw new AuthError('missing', `query parameter ${name} is required (WeChat signs every callback)`);
  }
  return requireQuery(query, names);
}
