import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Secrets the services refuse to start without, or whose routes stay off without them. Each gets a
 * random development value unless the environment sets it. Lengths meet each service's minimum.
 */
export const DEV_SECRET_NAMES = {
  PHONE_WEBHOOK_SECRET: 32,
  CHAT_SESSION_SECRET: 48,
  CHAT_IDENTITY_SECRET: 32,
  SWITCHBOARD_JWT_SECRET: 48,
  WECHAT_OA_TOKEN: 24,
  EMAIL_WEBHOOK_SIGNING_KEY: 32,
  // ingest-grpc refuses to start without it (no unauthenticated mode).
  INGEST_GRPC_TOKEN: 32,
  // Signs the ops console's session cookies (the dev login, or OIDC when configured).
  OPS_SESSION_SECRET: 48,
  // Keys the HMAC of customer identifiers (router and queue service, the same value).
  CUSTOMER_KEY_SECRET: 32,
} as const;

/** Where `pnpm start` keeps the development secrets of the checkout at `root` (gitignored). */
export function devSecretsFile(root: string): string {
  return join(root, '.switchboard', 'dev-secrets.json');
}

/** A secrets file that is not the JSON object `pnpm start` writes. */
export class DevSecretsFileError extends Error {
  override readonly name = 'DevSecretsFileError';
}

/**
 * The secret `name` as saved in `file` by an earlier `pnpm start`, or undefined when the file or
 * the entry does not exist. Never generates one: a value nobody's services use would be useless.
 * @throws DevSecretsFileError when the file exists but cannot be read as JSON.
 */
export function readDevSecret(file: string, name: DevSecretName): string | undefined {
  if (!existsSync(file)) return undefined;
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DevSecretsFileError(`${file} is not valid JSON (${(error as Error).message}); delete it and run pnpm start again`);
  }
  const value = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A secret name the launcher may generate. */
export type DevSecretName = keyof typeof DEV_SECRET_NAMES;

/** The secrets in force and which of them were generated for development. */
export interface DevSecrets {
  readonly values: Readonly<Record<DevSecretName, string>>;
  readonly generated: readonly DevSecretName[];
}

/**
 * Fills every missing secret from `file` (so a restart keeps the same values: a chat token or a
 * curl command from the last run still works), generating and saving those the file lacks.
 * The file is written 0600; it lives in the gitignored `.switchboard/`.
 */
export function loadDevSecrets(env: NodeJS.ProcessEnv, file: string): DevSecrets {
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<DevSecretName, string>>) : {};
  const values = {} as Record<DevSecretName, string>;
  const generated: DevSecretName[] = [];
  let changed = false;
  for (const [name, length] of Object.entries(DEV_SECRET_NAMES) as [DevSecretName, number][]) {
    const fromEnv = env[name];
    if (fromEnv) {
      values[name] = fromEnv;
      continue;
    }
    let value = saved[name];
    if (!value || value.length < length) {
      value = randomBytes(length).toString('base64url').slice(0, length);
      saved[name] = value;
      changed = true;
    }
    values[name] = value;
    generated.push(name);
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  }
  return { values, generated };
}
