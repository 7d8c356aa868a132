/** Test helper: a private CA and a server certificate for 127.0.0.1 (and localhost), made with openssl. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execute } from '../install/exec.js';

/** PEM files in `dir`: the CA's certificate, and the server's certificate and PKCS#8 key, valid for a day. */
export async function testCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const file = (name: string) => join(dir, name);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await execute('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=mqbench test CA']);
  await execute('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  await execute('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('san.ext')]);
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}
