/**
 * The JSON loader of src/config/file.ts: valid JSON is parsed without cosmiconfig's parse-json (a
 * start-up saving), a broken file still gets cosmiconfig's message with the line pointed at.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigDetailed } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from './helpers.js';

const oro = { url: 'https://shop.example.com', clientId: 'sagesync', clientSecret: 's' };

describe('JSON configuration files', () => {
  it('reads valid JSON, also the "sagesync" key of package.json', async () => {
    const rc = tempDir({ '.sagesyncrc.json': JSON.stringify({ oro, staging: { dialect: 'postgres' } }) });
    expect((await loadConfig({ cwd: rc, env: {} })).oro.clientId).toBe('sagesync');
    const pkg = tempDir({ 'package.json': JSON.stringify({ name: 'x', sagesync: { oro } }) });
    const loaded = await loadConfigDetailed({ cwd: pkg, env: {} });
    expect(loaded.filepath).toMatch(/package\.json$/);
    expect(loaded.config.oro.url).toBe(oro.url);
  });

  it('a JSON syntax error names the file and points at the line', async () => {
    const cwd = tempDir({ 'broken.json': '{\n  "oro": { "url": "https://x",\n}\n' });
    const err = await loadConfig({ cwd, configPath: 'broken.json', env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problem = (err as ConfigError).problems[0];
    expect(problem?.source).toMatch(/broken\.json$/);
    // parse-json builds its message from JSON.parse's: Node 20 gets a code frame, Node 22 and 24
    // name the line and column themselves (and the file is in `source`).
    expect(problem?.message).toMatch(/^JSON (Error in .*broken\.json|syntax error:)/);
    expect(problem?.message).toMatch(/> 3 \| \}|line 3 column 1/);
    // No terminal colours in a message meant for logs and e-mails (the frame is coloured under CI=true).
    expect(problem?.message).not.toContain('\u001b[');
  });
});
