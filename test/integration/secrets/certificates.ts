/**
 * TLS files for the secrets test, made with openssl at run time in a temp
 * folder (no key is ever committed): a CA, a server certificate for the name
 * `pacs.test`, a client certificate with its key (the secret whose text must
 * never appear in any output), and an unrelated CA for a failing handshake.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsFiles {
  caFile: string;
  otherCaFile: string;
  serverKey: string;
  serverCert: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Lines of the base64 body of the client key: none may appear in any output. */
  clientKeyBodyLines: string[];
}

export async function makeTlsFiles(folder: string): Promise<TlsFiles> {
  const openssl = (...args: string[]): Promise<unknown> => run('openssl', args, { cwd: folder });
  const newCa = (name: string): Promise<unknown> =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=pacs-load secrets test ${name}`);
  await Promise.all([newCa('ca'), newCa('other-ca')]);
  const leaf = async (name: string, subject: string, extensions: string): Promise<void> => {
    await writeFile(join(folder, `${name}.ext`), extensions);
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  };
  await leaf('server', '/CN=pacs.test', 'subjectAltName=DNS:pacs.test\nextendedKeyUsage=serverAuth\n');
  await leaf('client', '/CN=pacsload', 'extendedKeyUsage=clientAuth\n');
  const clientKey = await readFile(join(folder, 'client.key'), 'utf8');
  return {
    caFile: join(folder, 'ca.pem'),
    otherCaFile: join(folder, 'other-ca.pem'),
    serverKey: await readFile(join(folder, 'server.key'), 'utf8'),
    serverCert: await readFile(join(folder, 'server.pem'), 'utf8'),
    clientCertFile: join(folder, 'client.pem'),
    clientKeyFile: join(folder, 'client.key'),
    clientKeyBodyLines: clientKey
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('-----'))
      // The last line is short and could match by chance; 64-character lines cannot.
      .filter((line) => line.length >= 40),
  };
}
