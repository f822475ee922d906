/**
 * The result list of `sagesync test-connection`: each check runs, one result per check with the
 * reason and the fix; a check that throws is a failed check with the error's message and hint.
 * Every text passes the run's redactor, so no secret reaches the output.
 */
import type { Redactor } from '../log/redact.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  kind?: 'config' | 'unavailable';
  /** Not attempted because an earlier check failed. */
  skipped?: boolean;
}

/** What a check decides: a detail, and when it failed, the fix and the kind of failure. */
export interface Outcome {
  detail: string;
  ok?: boolean;
  fix?: string;
  kind?: 'config' | 'unavailable';
}

export class Checker {
  readonly checks: CheckResult[] = [];
  constructor(private readonly redactor: Redactor) {}

  /** Runs a check and records its result; whether it passed. */
  async check(name: string, fn: () => Promise<Outcome> | Outcome): Promise<boolean> {
    const r = await this.run(name, fn);
    this.checks.push(r);
    return r.ok;
  }

  /** Records a check not attempted because an earlier one failed. */
  skip(name: string, because: string): void {
    this.checks.push({ name, ok: false, skipped: true, detail: `not checked: ${because}` });
  }

  private async run(name: string, fn: () => Promise<Outcome> | Outcome): Promise<CheckResult> {
    const { redactor } = this;
    try {
      const o = await fn();
      const ok = o.ok ?? true;
      return {
        name,
        ok,
        detail: redactor.redact(o.detail),
        ...(o.fix ? { fix: redactor.redact(o.fix) } : {}),
        ...(!ok ? { kind: o.kind ?? 'unavailable' } : {}),
      };
    } catch (err) {
      const e = err as { kind?: string; hint?: string };
      return {
        name,
        ok: false,
        detail: redactor.errorMessage(err),
        ...(typeof e.hint === 'string' ? { fix: redactor.redact(e.hint) } : {}),
        kind: e.kind === 'config' ? 'config' : 'unavailable',
      };
    }
  }
}
