/** One printed benchmark figure and how the bench table shows it. */
import { renderTable } from '../demo/table.js';

export interface Figure {
  figure: string;
  value: string;
  /** What the same work costs done plainly, measured in the same run ('' when none). */
  floor: string;
  /** value / floor, when both are numbers. */
  ratio: string;
  target: string;
  /** null: informational, or skipped (the value says why). */
  pass: boolean | null;
}

export const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
export const fmtMb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;
export const ratio = (value: number, floor: number): string =>
  Number.isFinite(value) && Number.isFinite(floor) && floor > 0 ? `${(value / floor).toFixed(2)}×` : '';

export function skipped(figure: string, reason: string, target = ''): Figure {
  return { figure, value: `skipped: ${reason}`, floor: '', ratio: '', target, pass: null };
}

export function failed(figure: string, err: unknown): Figure {
  const msg = (err as Error)?.message ?? String(err);
  return {
    figure,
    value: `error: ${msg.split('\n')[0]?.slice(0, 160)}`,
    floor: '',
    ratio: '',
    target: '',
    pass: false,
  };
}

export function figuresTable(figures: readonly Figure[]): string {
  return renderTable(
    ['figure', 'value', 'floor', 'ratio', 'target', 'result'],
    figures.map((f) => [
      f.figure,
      f.value,
      f.floor,
      f.ratio,
      f.target,
      f.pass === null ? '—' : f.pass ? 'pass' : 'FAIL',
    ]),
  );
}
