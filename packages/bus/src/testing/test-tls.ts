import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway CA and a server certificate it signed, as PEM files in a temporary directory. */
export interface TestTlsFiles {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A client certificate signed by the same CA (for servers that verify clients). */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  remove(): void;
}

/**
 * Generates a CA and certificates for `127.0.0.1`/`localhost` with the `openssl` binary (EC P-256,
 * valid one day). For tests only: the keys are unencrypted and the CA is thrown away with the dir.
 */
export function generateTestTls(): TestTlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f(name));
  key('ca.key');
  openssl('req', '-x509', '-new', '-key', f('ca.key'), '-subj', '/CN=switchboard test CA', '-days', '1', '-out', f('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const issue = (name: string, cn: string, ext: string) => {
    key(`${name}.key`);
    openssl('req', '-new', '-key', f(`${name}.key`), '-subj', `/CN=${cn}`, '-out', f(`${name}.csr`));
    writeFileSync(f(`${name}.ext`), ext);
    openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1',
      '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`));
  };
  issue('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client', 'switchboard test client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir, caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key'), clientCertFile: f('client.pem'), clientKeyFile: f('client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
