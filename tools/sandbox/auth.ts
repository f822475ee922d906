/**
 * The sandbox token endpoint (docs/oro.md): client credentials as JSON, form fields or
 * HTTP Basic; league/oauth2-server error bodies; tokens that expire
 * (https://doc.oroinc.com/api/authentication/oauth-client-credentials/).
 */
import { randomBytes } from 'node:crypto';

export interface TokenAnswer {
  status: number;
  body: string;
}

export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  lifetimeSeconds = 3600;

  constructor(
    private readonly clients: { clientId: string; clientSecret: string }[],
    private readonly now: () => number,
  ) {}

  issue(contentType: string, authorization: string | undefined, text: string): TokenAnswer {
    const fields: Record<string, string> = {};
    if (contentType.startsWith('application/json')) {
      try {
        Object.assign(fields, JSON.parse(text || '{}') as Record<string, string>);
      } catch {
        return invalidRequest('The request body is not valid JSON.');
      }
    } else {
      for (const [k, v] of new URLSearchParams(text)) fields[k] = v;
    }
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      fields['client_id'] ??= decodeURIComponent(decoded.slice(0, colon));
      fields['client_secret'] ??= decodeURIComponent(decoded.slice(colon + 1));
    }
    if (fields['grant_type'] !== 'client_credentials') {
      return {
        status: 400,
        body: JSON.stringify({
          error: 'unsupported_grant_type',
          error_description: 'The authorization grant type is not supported by the authorization server.',
          hint: 'Check that all required parameters have been provided',
          message: 'The authorization grant type is not supported by the authorization server.',
        }),
      };
    }
    if (!fields['client_id']) return invalidRequest('Check the `client_id` parameter');
    const client = this.clients.find(
      (c) => c.clientId === fields['client_id'] && c.clientSecret === fields['client_secret'],
    );
    if (!client) {
      return {
        status: 401,
        body: JSON.stringify({
          error: 'invalid_client',
          error_description: 'Client authentication failed',
          message: 'Client authentication failed',
        }),
      };
    }
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const exp = Math.floor(this.now() / 1000) + this.lifetimeSeconds;
    // Shaped like Oro's RS256 JWT (aud = client id); the signature is random, nobody checks it here.
    const token = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ aud: client.clientId, jti: randomBytes(8).toString('hex'), exp })}.${randomBytes(32).toString('base64url')}`;
    this.tokens.set(token, this.now() + this.lifetimeSeconds * 1000);
    return {
      status: 200,
      body: JSON.stringify({ token_type: 'Bearer', expires_in: this.lifetimeSeconds, access_token: token }),
    };
  }

  valid(authorization: string | undefined): boolean {
    if (!authorization?.startsWith('Bearer ')) return false;
    const expires = this.tokens.get(authorization.slice(7));
    return expires !== undefined && this.now() < expires;
  }

  revokeAll(): void {
    this.tokens.clear();
  }
}

function invalidRequest(hint: string): TokenAnswer {
  const text =
    'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';
  return {
    status: 400,
    body: JSON.stringify({ error: 'invalid_request', error_description: text, hint, message: text }),
  };
}
