/**
 * Certificates for TLS tests, made with the `openssl` command line in a temporary directory:
 * a CA, a server certificate for 127.0.0.1 and localhost signed by it, a client certificate
 * signed by it, and a second CA (the server's certificate does not chain to it) with a client
 * certificate of its own (one a server trusting only the first CA refuses). EC P-256 keys: fast to make; valid for two days.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  /** PEM of the CA that signed the server and client certificates. */
  ca: string;
  /** PEM of a CA that signed neither. */
  otherCa: string;
  /** A client certificate and key signed by `otherCa`. */
  otherClientCert: string;
  otherClientKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Removes the directory. */
  remove(): void;
}

/** A minimal configuration, so the system's openssl.cnf adds no extension of its own. */
const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'prewarm-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${(err as Error).message} ${stderr}`);
    }
  };
  writeFileSync(file('openssl.cnf'), CONFIG);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  const makeCa = (name: string, cn: string) =>
    openssl('req', '-config', file('openssl.cnf'), '-x509', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '2', '-subj', `/CN=${cn}`, '-extensions', 'ca');
  makeCa('ca', 'prewarm test CA');
  makeCa('other-ca', 'prewarm unrelated CA');

  let serial = Date.now();
  const makeLeaf = (name: string, cn: string, extensions: 'server' | 'client', ca = 'ca') => {
    openssl('req', '-config', file('openssl.cnf'), '-new', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
    openssl(
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.pem`), '-CAkey', file(`${ca}.key`), '-set_serial', String(++serial),
      '-days', '2', '-extfile', file('openssl.cnf'), '-extensions', extensions, '-out', file(`${name}.pem`),
    );
  };
  makeLeaf('server', '127.0.0.1', 'server');
  makeLeaf('client', 'prewarm test client', 'client');
  makeLeaf('other-client', 'prewarm unknown client', 'client', 'other-ca');

  return {
    dir,
    ca: file('ca.pem'),
    otherCa: file('other-ca.pem'),
    otherClientCert: file('other-client.pem'),
    otherClientKey: file('other-client.key'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
