/**
 * A test certificate authority made with openssl: its certificate, a server certificate it issued
 * for localhost and 127.0.0.1, and another CA's certificate (a CA file that does not match).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  caFile: string;
  wrongCaFile: string;
  serverKey: string;
  serverCert: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** Writes the files into `dir` (which exists). */
export function makeTestCa(dir: string): TestCa {
  for (const [name, cn] of [
    ['ca', 'sagesync test CA'],
    ['other', 'some other CA'],
  ] as const) {
    openssl(
      [
        'req',
        '-x509',
        ...EC,
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
      ],
      dir,
    );
  }
  openssl(
    ['req', ...EC, '-subj', '/CN=localhost/O=sagesync test', '-keyout', 'server.key', '-out', 'server.csr'],
    dir,
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
      '-out',
      'server.crt',
    ],
    dir,
  );
  return {
    caFile: join(dir, 'ca.crt'),
    wrongCaFile: join(dir, 'other.crt'),
    serverKey: join(dir, 'server.key'),
    serverCert: join(dir, 'server.crt'),
  };
}
