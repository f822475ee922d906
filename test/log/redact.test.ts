// @module-tag hostile
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createRedactor, MASK } from '../../src/log/redact.js';

const config = configSchema.parse({
  oro: { url: 'https://shop.example.com', clientId: 'cid', clientSecret: 'oro-Secret-42' },
  staging: { dialect: 'postgres', url: 'postgres://app:url%20pass@db:5432/x', password: 'pg-pass-7' },
  notifications: { to: ['a@example.com'], smtp: { host: 'smtp', password: 'smtp-pass-9' } },
});

describe('Redactor', () => {
  it('masks every configured secret, its URL-encoded form, and added tokens', () => {
    const r = createRedactor(config);
    r.addSecret('tok.eyJhbGciOi.issued');
    const text =
      'oro-Secret-42 pg-pass-7 smtp-pass-9 url pass url%20pass url+pass tok.eyJhbGciOi.issued ' +
      encodeURIComponent('oro-Secret-42');
    const out = r.redact(text);
    for (const s of [
      'oro-Secret-42',
      'pg-pass-7',
      'smtp-pass-9',
      'url pass',
      'url%20pass',
      'url+pass',
      'eyJhbGciOi',
    ]) {
      expect(out).not.toContain(s);
    }
    expect(out).toContain(MASK);
  });

  it('masks generic patterns it was never told about', () => {
    const r = createRedactor();
    const out = r.redact(
      [
        'Authorization: Bearer abc.def.ghi',
        'Authorization: Basic dXNlcjpwYXNz',
        'grant_type=client_credentials&client_secret=s3cr3t&client_id=x',
        'postgres://u:hunter22@host:5432/db',
        '{"access_token":"zzz-token-zzz","token_type":"Bearer"}',
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
      ].join('\n'),
    );
    for (const s of [
      'abc.def.ghi',
      'dXNlcjpwYXNz',
      's3cr3t',
      'hunter22',
      'zzz-token-zzz',
      'b3BlbnNzaC1rZXktdjEAAAAA',
    ]) {
      expect(out).not.toContain(s);
    }
    expect(out).toContain('client_id=x');
    expect(out).toContain('postgres://u:');
  });

  it('reduces axios-like and driver errors to secret-free objects', () => {
    const r = createRedactor(config);
    const err = Object.assign(new Error('Request failed with status code 401'), {
      isAxiosError: true,
      code: 'ERR_BAD_REQUEST',
      config: {
        method: 'post',
        url: 'https://shop.example.com/oauth2-token',
        headers: { Authorization: 'Bearer raw-token-value' },
        data: 'client_secret=oro-Secret-42',
      },
      request: { _header: 'Authorization: Bearer raw-token-value' },
      response: { status: 401, data: { error: 'invalid_client' }, headers: {} },
    });
    const out = JSON.stringify(r.redactValue({ err, nested: { password: 'whatever', ok: 1 } }));
    expect(out).not.toContain('raw-token-value');
    expect(out).not.toContain('oro-Secret-42');
    expect(out).not.toContain('whatever');
    expect(out).toContain('invalid_client');
    expect(out).toContain('401');
    expect(out).toContain('POST');
  });
});
