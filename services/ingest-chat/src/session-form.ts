import { z } from 'zod';
import { AuthError, parseOrThrow, ValidationError } from '@switchboard/ingest-kit';
import { verifyIdentifierHash } from './session-token.js';

/** The widget's pre-chat form, as posted to `POST /v1/sessions`. Unknown fields are refused. */
export const sessionFormSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254).optional(),
  /** BCP 47 tag, e.g. "zh-CN", "en". */
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
  topic: z.string().trim().min(1).max(100),
  page_url: z.url({ protocol: /^https?$/ }).max(2048),
  department: z.string().trim().min(1).max(100).optional(),
  /** The site's own id of a logged-in customer, with its HMAC (see `verifyIdentifierHash`). */
  identifier: z.string().min(1).max(200).optional(),
  identifier_hash: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
});

/** A validated pre-chat form. */
export type SessionForm = z.infer<typeof sessionFormSchema>;

/**
 * Validates the form and, when it claims an identity, its signature.
 * @throws ValidationError naming the broken field; AuthError (403) for an identifier whose hash
 * does not verify, so nobody chats as a known customer without the site's backend vouching.
 */
export function readSessionForm(body: unknown, identitySecret: string | undefined): SessionForm & { verifiedCustomerId?: string } {
  const form = parseOrThrow(sessionFormSchema, body);
  if (form.identifier === undefined && form.identifier_hash === undefined) return form;
  if (form.identifier === undefined) throw new ValidationError('identifier', 'required', 'identifier is required with identifier_hash');
  if (form.identifier_hash === undefined) throw new ValidationError('identifier_hash', 'required', 'identifier_hash is required with identifier');
  if (!identitySecret) throw new ValidationError('identifier', 'unsupported', 'this inbox does not accept identified visitors');
  if (!verifyIdentifierHash(identitySecret, form.identifier, form.identifier_hash)) {
    throw new AuthError('invalid', 'identifier_hash does not verify');
  }
  return { ...form, verifiedCustomerId: form.identifier };
}
