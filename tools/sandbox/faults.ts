/**
 * Fault injection for the sandbox (errors per status, latency, resets, 429/503 bursts). Draws
 * come from a seeded PRNG so a failing chaos run can be replayed. 429 is not something Oro
 * itself sends (docs/oro.md); it stands for a WAF or hosting limit in front of it.
 */
import type { Socket } from 'node:net';
import { createRng } from './random.js';
import type { Faults } from './types.js';

export interface InjectedAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export class FaultInjector {
  current: Faults = {};
  private burstLeft = 0;
  private readonly rng = createRng(42);
  /** Answers waiting out `latencyMs`: new faults (and closing) end their wait. */
  private readonly waiting = new Set<() => void>();

  set(f: Faults): void {
    this.current = { ...f };
    this.burstLeft = f.burst429?.count ?? 0;
    for (const done of [...this.waiting]) done();
  }

  async apply(socket: Socket): Promise<InjectedAnswer | 'reset' | null> {
    const f = this.current;
    if (f.latencyMs) await this.wait(f.latencyMs);
    if (f.resetRate && this.rng() < f.resetRate) {
      socket.destroy();
      return 'reset';
    }
    if (this.burstLeft > 0 && f.burst429) {
      this.burstLeft--;
      return answer(f.burst429.status ?? 429, f.burst429.retryAfterSeconds ?? f.retryAfterSeconds ?? 1);
    }
    let draw = this.rng();
    for (const [status, rate] of Object.entries(f.errorRate ?? {})) {
      if (draw < rate) return answer(Number(status), f.retryAfterSeconds ?? 1);
      draw -= rate;
    }
    return null;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }
}

/** Titles and details as Oro words them (docs/oro.md); others read as a server error. */
const TEXTS: Record<number, [string, string]> = {
  400: ['request data constraint', 'Injected fault 400.'],
  403: ['access denied exception', 'No access to the entity.'],
  404: ['not found http exception', 'An entity with the requested identifier does not exist.'],
  409: ['conflict constraint', 'The entity already exists.'],
  415: [
    'unsupported media type http exception',
    'The "Content-Type" request header should contain JSON:API media type without any parameters.',
  ],
  429: ['too many requests http exception', 'Injected fault 429.'],
  503: ['service unavailable http exception', 'Injected fault 503.'],
};

function answer(status: number, retryAfter: number): InjectedAnswer {
  if (status === 401) return { status, body: '', headers: {} };
  const headers: Record<string, string> =
    status === 429 || status === 503 ? { 'Retry-After': String(retryAfter) } : {};
  const [title, detail] = TEXTS[status] ?? ['runtime exception', `Injected fault ${status}.`];
  return { status, headers, body: JSON.stringify({ errors: [{ status: String(status), title, detail }] }) };
}
