/** Spawns hold-lock.ts with tsx and resolves once it says "ready". */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./hold-lock.ts', import.meta.url));

export async function holdInChild(config: unknown, lockName: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config), lockName], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
      if (out.includes('refused')) reject(new Error('child could not take the lock'));
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  return child;
}

export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
