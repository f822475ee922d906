/**
 * The hostile-Oro phase of `npm run chaos` (issue 18): for a stretch of runs the CLI talks to Oro
 * through the hostile proxy (hostile-oro.ts), one kind of bad answer per round, then the ordinary
 * runs must bring everything to exact once. The rules are exported apart so that
 * test/chaos/hostile-phase.test.ts can check each kind of answer on its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliResult } from '../demo/harness.js';
import { pick, type Rng } from '../sandbox/random.js';
import {
  maintenancePage,
  startHostileOro,
  type HostileAnswer,
  type HostileRequest,
  type HostileRule,
} from './hostile-oro.js';
import { runOnce, type Command, type Tally } from './runs.js';
import { addWork, type World } from './world.js';

interface Doc {
  data?: unknown;
  links?: Record<string, unknown>;
}
interface Rec {
  id: string;
  attributes?: Record<string, unknown>;
}

/** An incremental read (keyset on updatedAt, or the cheap listing of ids and updatedAt). */
const isIncremental = (r: HostileRequest): boolean =>
  r.method === 'GET' && decodeURIComponent(r.query).includes('updatedAt');
const isCollection = (r: HostileRequest): boolean => r.path.split('/').filter(Boolean).length === 3;
/** A listing that follows `links.next` (incremental reads ask Oro to leave links out). */
const followsLinks = (r: HostileRequest): boolean =>
  r.method === 'GET' && isCollection(r) && !String(r.headers['x-include'] ?? '').includes('noHateoas');
const pushed = (r: HostileRequest): boolean =>
  isIncremental(r) && (r.path.endsWith('/orders') || r.path.endsWith('/customers'));
const records = (body: unknown): Rec[] => {
  const data = (body as Doc).data;
  return Array.isArray(data) ? (data as Rec[]) : [];
};

/** `updatedAt` values no cursor may take: not a date, year 0, impossible fields, not a string. */
export const BAD_TIMES: readonly unknown[] = [
  'not a date',
  '0000-01-01T00:00:00Z',
  '2026-13-45T25:61:61Z',
  1_700_000_000,
  null,
  '',
];

/** Each record's `updatedAt` garbled once (its retry by id reads the real one), two per page. */
export function garbageTimestamps(rng: Rng): HostileRule {
  const done = new Set<string>();
  return {
    label: 'garbage timestamps',
    match: pushed,
    rewrite: (body, req) => {
      const fresh = records(body).filter((r) => r.attributes && !done.has(`${req.path}/${r.id}`));
      for (const r of fresh.slice(0, 2)) {
        done.add(`${req.path}/${r.id}`);
        r.attributes!['updatedAt'] = pick(rng, BAD_TIMES);
      }
      return body;
    },
  };
}

/** Ids no staging row may take; records with them are made up (Oro has no such record). */
export const ODD_IDS: readonly string[] = [
  '1 OR 1=1',
  '-7',
  '99999999999999999999',
  'abc',
  '0',
  '1e3',
  '12 ',
];

/** Two made-up records with odd ids in front of each page, and its last record twice. */
export function garbageIds(rng: Rng): HostileRule {
  return {
    label: 'garbage ids',
    match: pushed,
    rewrite: (body) => {
      const data = records(body);
      const first = data[0];
      const last = data[data.length - 1];
      if (!first || !last) return body;
      const fake = [pick(rng, ODD_IDS), pick(rng, ODD_IDS)].map((id) => ({ ...structuredClone(first), id }));
      data.unshift(...fake);
      data.push(structuredClone(last));
      return body;
    },
  };
}

/** Every API answer one byte per `ms` (the body outlives any sensible request deadline). */
export const slowBytes = (ms = 100): HostileRule => ({ label: 'slow bytes', dribbleMs: ms });

/** `links.next` on every listing: the page itself, or the next page number for ever. */
export function endlessLinks(): HostileRule {
  let n = 0;
  return {
    label: 'endless links.next',
    match: followsLinks,
    rewrite: (body, req) => {
      const doc = body as Doc;
      if (!Array.isArray(doc.data)) return body;
      const q = new URLSearchParams(req.query);
      if (n++ % 2 === 1) q.set('page[number]', String(Number(q.get('page[number]') ?? '1') + 1));
      doc.links = { ...doc.links, next: `${req.path}?${n % 2 === 1 ? req.query : q.toString()}` };
      return body;
    },
  };
}

/** Oro's back-office login page, as a proxy that lost the session sends it. */
const loginPage = (): HostileAnswer => ({
  status: 200,
  headers: { 'Content-Type': 'text/html; charset=UTF-8' },
  body: '<!DOCTYPE html><html><head><title>Login</title></head><body><form method="post" action="/admin/user/login-check"><input name="_username"></form></body></html>',
});

const json = (body: string): HostileAnswer => ({
  status: 200,
  headers: { 'Content-Type': 'application/vnd.api+json' },
  body,
});

/**
 * 200s that are not JSON:API, in turn: a login page, a maintenance page, an empty body, the
 * sandbox's own answer cut in half (the write behind it was done), and on a listing `data` as null
 * or as one object.
 */
export function nonJson(): HostileRule {
  let n = 0;
  return {
    label: 'non-JSON 200',
    answer: (r) => {
      const k = n++ % (isCollection(r) && r.method === 'GET' ? 6 : 4);
      if (k === 0) return loginPage();
      if (k === 1) return maintenancePage();
      if (k === 2) return { status: 200, body: '' };
      if (k === 3) return null; // the sandbox answers, cut by rewriteText
      return json(k === 4 ? '{"data":null}' : '{"data":{"type":"orders","id":"1","attributes":{}}}');
    },
    rewriteText: (text) => text.slice(0, Math.floor(text.length / 2)),
  };
}

/** A kind of bad answer, and what a run it reached must end with. */
interface Round {
  name: string;
  rules: () => HostileRule[];
  /** `records`: bad records are quarantined (0, 1; 69 when the keyset cannot move); `unavailable`: 69. */
  expect: 'records' | 'unavailable';
  runs: number;
}

export interface HostileTally {
  runs: number;
  exits: string[];
  /** Runs that ended 70, hung, or (reached by a bad answer) not 69; with the reason. */
  wrong: string[];
  served: Map<string, number>;
  /** One line per round: its runs with their exit codes, and the bad answers served. */
  rounds: string[];
}

const JOB_ONLY: readonly Command[] = ['push-orders', 'push-customers', 'pull-credit', 'pull-tracking'];

/** The hostile rounds, one run at a time so that each run's exit is matched to what it was served. */
export async function hostilePhase(w: World, tally: Tally, rng: Rng): Promise<HostileTally> {
  const proxy = await startHostileOro(w.sandbox.url);
  const configFile = hostileConfig(w.configFile, proxy.url);
  const rounds: Round[] = [
    { name: 'timestamps', rules: () => [garbageTimestamps(rng)], expect: 'records', runs: 3 },
    { name: 'ids', rules: () => [garbageIds(rng)], expect: 'records', runs: 3 },
    { name: 'slow', rules: () => [slowBytes()], expect: 'unavailable', runs: 2 },
    { name: 'links', rules: () => [endlessLinks()], expect: 'unavailable', runs: 2 },
    { name: 'non-JSON', rules: () => [nonJson()], expect: 'unavailable', runs: 3 },
  ];
  const out: HostileTally = { runs: 0, exits: [], wrong: [], served: proxy.served, rounds: [] };
  // A real Oro record dated 9999: staged, but never the cursor (issue 18 point 2).
  w.sandbox.addOrder({ updatedAt: '9999-12-31T23:59:59Z' });
  try {
    for (const round of rounds) {
      await addWork(w, rng, 20);
      proxy.setRules(round.rules());
      const start = total(proxy.served);
      const ends: string[] = [];
      for (let i = 0; i < round.runs; i++) {
        const command: Command = i % 2 === 0 ? 'run-all' : pick(rng, JOB_ONLY);
        const before = total(proxy.served);
        const r = await runOnce(command, configFile, w.sandbox, tally, undefined, 120_000);
        const reached = total(proxy.served) > before;
        out.runs += 1;
        out.exits.push(r.signal ? 'timed out' : String(r.code));
        ends.push(`${command} ${r.signal ? 'timed out' : `exit ${r.code}`} (${(r.ms / 1000).toFixed(0)} s)`);
        const why = wrongExit(r, round.expect, reached);
        if (why) out.wrong.push(`${round.name}: ${command} ${why}`);
      }
      proxy.setRules([]);
      out.rounds.push(`${round.name}: ${ends.join(', ')}; ${total(proxy.served) - start} bad answers`);
    }
  } finally {
    await proxy.close();
  }
  return out;
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/** Why a run's end breaks the contract (null: it does not). */
export function wrongExit(r: CliResult, expect: Round['expect'], reached: boolean): string | null {
  const last = (r.stderr.trim().split('\n').pop() ?? '').slice(0, 200);
  if (r.signal) return `did not end within 120 s (${r.signal})`;
  if (r.code !== 0 && r.code !== 1 && r.code !== 69) return `exit ${r.code}: ${last}`;
  if (expect === 'unavailable' && reached && r.code !== 69)
    return `exit ${r.code} after a bad answer, not 69`;
  return null;
}

/** The world's configuration with Oro behind the proxy and the 5 s request deadline of issue 18. */
function hostileConfig(file: string, url: string): string {
  const config = JSON.parse(readFileSync(file, 'utf8')) as { oro: Record<string, unknown> };
  config.oro = { ...config.oro, url, timeoutMs: 5000 };
  const out = path.join(path.dirname(file), 'sagesync-hostile.json');
  writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
  return out;
}
