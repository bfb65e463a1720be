import { readFileSync } from 'node:fs';

/** The certificate the SMTP listener offers on STARTTLS. */
export interface SmtpTlsOptions {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** An SMTP TLS setting that cannot be used; the message names the variable. */
export class SmtpTlsConfigError extends Error {
  override readonly name = 'SmtpTlsConfigError';
}

/**
 * STARTTLS from `SMTP_TLS_CERT` and `SMTP_TLS_KEY` (PEM files; the certificate may carry its
 * chain). `undefined` when neither is set: the listener then offers no STARTTLS.
 * @throws SmtpTlsConfigError for one without the other, an unreadable or non-PEM file.
 */
export function smtpTlsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpTlsOptions | undefined {
  const { SMTP_TLS_CERT: cert, SMTP_TLS_KEY: key } = env;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new SmtpTlsConfigError('SMTP_TLS_CERT and SMTP_TLS_KEY go together (a certificate needs its key)');
  return { cert: pem('SMTP_TLS_CERT', cert), key: pem('SMTP_TLS_KEY', key) };
}

/** A PEM file's bytes. @throws SmtpTlsConfigError naming `name` for an unreadable or non-PEM file. */
export function pem(name: string, path: string): Buffer {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    throw new SmtpTlsConfigError(`${name}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!text.includes('-----BEGIN')) throw new SmtpTlsConfigError(`${name} ${path} is not a PEM file`);
  return text;
}
