import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate the test CA issued: PEM files on disk and their text. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** A throwaway certificate authority for one test file's TLS servers and clients. */
export interface TestCa {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: string;
  /**
   * Issues a certificate for `name` (its CN), valid for the DNS names and IPs given (default
   * localhost and 127.0.0.1), usable by servers and clients alike.
   */
  issue(name: string, altNames?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] }): TestCertificate;
  /** Removes the files. */
  cleanup(): void;
}

/**
 * Makes a CA with `openssl` (Debian: apt-get install openssl; `OPENSSL_BIN` to point elsewhere):
 * EC P-256 keys, one day of validity. Never for production: the CA key sits in a temp directory.
 * @throws Error naming the missing binary when openssl cannot run.
 */
export function generateTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ca-'));
  const openssl = (...args: string[]) => {
    try {
      execFileSync(process.env.OPENSSL_BIN ?? 'openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      const e = error as { code?: string; stderr?: Buffer };
      throw new Error(e.code === 'ENOENT' ? 'openssl not found: install it (Debian: apt-get install openssl) or set OPENSSL_BIN'
        : `openssl ${args[0]} failed: ${e.stderr?.toString() ?? String(error)}`, { cause: error });
    }
  };
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  openssl('req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=Switchboard test CA', '-keyout', caKey, '-out', caFile,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  let serial = 1;
  return {
    dir,
    caFile,
    ca: readFileSync(caFile, 'utf8'),
    issue(name, altNames = {}) {
      const base = join(dir, `${name.replace(/[^a-z0-9.-]/gi, '_')}-${serial}`);
      const dns = altNames.dns ?? ['localhost'];
      const ip = altNames.ip ?? ['127.0.0.1'];
      const ext = `${base}.ext`;
      writeFileSync(ext, [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${[...dns.map((d) => `DNS:${d}`), ...ip.map((i) => `IP:${i}`)].join(',')}`,
      ].join('\n'));
      openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${name}`,
        '-keyout', `${base}.key`, '-out', `${base}.csr`);
      openssl('x509', '-req', '-in', `${base}.csr`, '-CA', caFile, '-CAkey', caKey, '-set_serial', String(serial++), '-days', '1',
        '-extfile', ext, '-out', `${base}.pem`);
      return { certFile: `${base}.pem`, keyFile: `${base}.key`, cert: readFileSync(`${base}.pem`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
