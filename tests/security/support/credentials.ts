import { createHash, createHmac, randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { signToken, type Role } from '@switchboard/grpc-edge';

/** A secret of the given length for one run of the suite (never a shared placeholder). */
export const freshSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Unix seconds now, and ten minutes ago (outside every signed-timestamp window of 300 s). */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const STALE_SECONDS = 600;

/** A bearer JWT as the edges take it; `expired` signs one whose `exp` has passed. */
export function bearer(secret: string, claims: { role: Role; domain: string; subject?: string; expired?: boolean }): Promise<string> {
  const teams = claims.role === 'supervisor' ? ['*'] : undefined;
  return signToken(secret, {
    subject: claims.subject ?? `security-${claims.role}`, role: claims.role, domain: claims.domain, ...(teams ? { teams } : {}),
    ttl: claims.expired ? nowSeconds() - 120 : '10m',
  });
}

/** The generic phone webhook's headers: `X-Switchboard-Timestamp` and `sha256=HMAC(secret, "<ts>.<body>")`. */
export function genericPhoneHeaders(secret: string, body: string, timestampSeconds = nowSeconds()): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-switchboard-timestamp': String(timestampSeconds), 'x-switchboard-signature': `sha256=${signature}` };
}

/** Twilio's `X-Twilio-Signature` over the public URL and the form parameters. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** Mailgun-style headers: HMAC-SHA256(key, timestamp + token), with a fresh token. */
export function mailgunHeaders(key: string, timestampSeconds = nowSeconds()): Record<string, string> {
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', key).update(`${timestampSeconds}${token}`).digest('hex');
  return { 'x-mailgun-timestamp': String(timestampSeconds), 'x-mailgun-token': token, 'x-mailgun-signature': signature };
}

/** WeChat's SHA-1 over the sorted token, timestamp, nonce (and, for WeCom, the encrypted message). */
export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join(''), 'utf8').digest('hex');
}
