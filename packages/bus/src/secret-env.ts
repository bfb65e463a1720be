import { readFileSync } from 'node:fs';

/** An environment variable set wrongly: both `X` and `X_FILE`, or a `X_FILE` that cannot be read. */
export class SecretEnvError extends Error {
  override readonly name = 'SecretEnvError';
  readonly code = 'CONFIG.SECRET';
}

/**
 * The secret `name` from the environment: the value of `name`, or the contents of the file named
 * by `name_FILE` (how Docker and Kubernetes secrets arrive; one trailing newline is dropped).
 * Undefined when neither is set. Every service reads its secrets through this one function.
 * @throws SecretEnvError when both are set (which one wins would be a guess) or the file cannot be read or is empty.
 */
export function readSecretEnv(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new SecretEnvError(`${name} and ${name}_FILE are both set; set only one`);
  if (!file) return direct || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretEnvError(`${name}_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new SecretEnvError(`${name}_FILE=${file} is empty`);
  return value;
}

/**
 * Reads the file of every `NAME_FILE` among `names` into `NAME`, in `env` itself, and removes
 * `NAME_FILE` (so a second call, e.g. another service of ingest-all on the same environment,
 * sees the value and nothing to read). A service calls it once, first thing in its configuration
 * loading, with the secrets it reads; from then on its code reads `env.NAME` as when the value
 * was given directly (as `pnpm start` does), which keeps working unchanged. One trailing newline
 * is dropped, as {@link readSecretEnv} does.
 * @throws SecretEnvError naming the variable when both `NAME` and `NAME_FILE` are set, or the
 * file cannot be read or is empty.
 */
export function loadSecretFiles(env: Record<string, string | undefined>, names: readonly string[]): void {
  for (const name of names) {
    const fileVariable = `${name}_FILE`;
    if (!env[fileVariable]) continue;
    const value = readSecretEnv(env, name);
    env[name] = value;
    delete env[fileVariable];
  }
}
