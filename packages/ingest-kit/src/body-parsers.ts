import type { FastifyInstance } from 'fastify';
import { BODY_FIELD, ValidationError } from './errors.js';
import { parseJsonOrThrow } from './validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for signatures computed over raw bytes (HMAC webhooks). */
    rawBody?: Buffer;
  }
}

/** A form body: every value a string, or an array when a name repeats. */
export type FormBody = Record<string, string | string[]>;

/**
 * Parses `application/x-www-form-urlencoded` text. Repeated names become arrays (Twilio signs
 * every value), and a prototype-polluting name is refused rather than silently dropped.
 */
export function parseFormBody(text: string): FormBody {
  const out: FormBody = Object.create(null) as FormBody;
  for (const [name, value] of new URLSearchParams(text)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new ValidationError(name, 'forbidden_name', `${name}: not an accepted field name`);
    }
    const previous = out[name];
    if (previous === undefined) out[name] = value;
    else out[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

/**
 * Replaces fastify's JSON parser and adds form and raw parsers that keep `request.rawBody`.
 * `raw` content types (e.g. `message/rfc822`, `text/plain`) arrive as a Buffer body.
 */
export function registerBodyParsers(app: FastifyInstance, raw: readonly string[] = []): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    if (body.length === 0) return done(new ValidationError(BODY_FIELD, 'required', 'body is empty'), undefined);
    try {
      done(null, parseJsonOrThrow(body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    try {
      done(null, parseFormBody(body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  if (raw.length > 0) {
    app.removeContentTypeParser(raw.filter((type) => app.hasContentTypeParser(type)));
    app.addContentTypeParser([...raw], { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      request.rawBody = body;
      done(null, body);
    });
  }
}
