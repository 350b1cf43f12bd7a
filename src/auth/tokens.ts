import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface TokenClaims {
  /** The user's database id. */
  userId: string;
  expiresAt: Date;
}

const ISSUER = 'deskgraph';

/** Signs and checks the bearer tokens that work alike over HTTP and graphql-ws. */
export class TokenService {
  /** Built once: jsonwebtoken would otherwise derive a key object from the string on every call. */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  issue(userId: string): string {
    return jwt.sign({}, this.key, { algorithm: 'HS256', subject: userId, issuer: ISSUER, expiresIn: this.ttlSeconds });
  }

  /** The claims of a valid token, or null for anything forged, expired or malformed. */
  verify(token: string): TokenClaims | null {
    try {
      const claims = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER }) as jwt.JwtPayload;
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
      return { userId: claims.sub, expiresAt: new Date(claims.exp * 1000) };
    } catch {
      return null;
    }
  }
}

/** The token of an `Authorization: Bearer …` value, or null. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : null;
}
