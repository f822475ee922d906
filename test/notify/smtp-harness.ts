/** Starts smtp-child.mjs (a real SMTP server in a child process) and reads what it received. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface ReceivedMail {
  from: string;
  to: string[];
  user: string | null;
  raw: string;
}

export interface SmtpHarness {
  port: number;
  received(): ReceivedMail[];
  stop(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'sagesync-smtp-'));
  const file = join(dir, 'mails.jsonl');
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'smtp-child.mjs'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /PORT (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`SMTP server exited early (${code})`)));
  });
  return {
    port,
    received() {
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ReceivedMail);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Decodes a quoted-printable plain-text body (nodemailer's default for long lines). */
export function bodyOf(raw: string): string {
  const i = raw.indexOf('\r\n\r\n');
  const body = i >= 0 ? raw.slice(i + 4) : raw;
  if (!/Content-Transfer-Encoding: quoted-printable/i.test(raw)) return body;
  return Buffer.from(
    body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}
