/**
 * A real pseudo-terminal for driving interactive commands: a private tmux server (its own socket,
 * so parallel test files never meet), keys sent with send-keys, the screen read with capture-pane.
 * tmux comes from apt (.ci/run installs it); node-pty would need a native build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Why pty tests cannot run here, or null. */
export function tmuxUnavailable(): string | null {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'tmux is not installed (apt-get install tmux; .ci/run does)';
}

export interface Pty {
  /** The whole screen and scroll-back, as plain text. */
  screen(): string;
  /** Waits until the screen matches (counting matches after the last `since` mark). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Types text literally, then Enter unless told otherwise. */
  type(text: string, enter?: boolean): void;
  /** Named keys: Enter, Down, Up, Space, C-c … */
  keys(...names: string[]): void;
  /** The exit code once the command has ended (it prints `EXIT=<code>` after itself). */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): void;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function startPty(command: string[], opts: { cwd: string; env: Record<string, string> }): Pty {
  const socket = `sagesync-test-${randomBytes(4).toString('hex')}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const env = Object.entries({ PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...opts.env })
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(' ');
  // The shell stays after the command so its exit code and last screen can be read.
  const shell = `cd ${q(opts.cwd)} && env -i ${env} ${command.map(q).join(' ')}; echo "EXIT=$?"; sleep 3600`;
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '160', '-y', '50', shell);
  tmux('set-option', '-t', 'main', 'history-limit', '5000');

  const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', 'main', '-S', '-5000');
  const pty: Pty = {
    screen,
    async waitFor(pattern, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (pattern.test(s)) return s;
        if (Date.now() > until) throw new Error(`timed out waiting for ${pattern} on the screen:\n${s}`);
        await sleep(100);
      }
    },
    type(text, enter = true) {
      tmux('send-keys', '-t', 'main', '-l', text);
      if (enter) tmux('send-keys', '-t', 'main', 'Enter');
    },
    keys(...names) {
      for (const n of names) tmux('send-keys', '-t', 'main', n);
    },
    async exitCode(timeoutMs = 60_000) {
      const s = await pty.waitFor(/^EXIT=\d+$/m, timeoutMs);
      return Number(/^EXIT=(\d+)$/m.exec(s)?.[1]);
    },
    close() {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
      // tmux leaves its socket file behind (tmux(1): $TMUX_TMPDIR/tmux-UID/<name>).
      const dir = process.env.TMUX_TMPDIR ?? tmpdir();
      rmSync(join(dir, `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    },
  };
  return pty;
}
