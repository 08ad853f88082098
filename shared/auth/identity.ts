/** Who the caller is, as the verified token says. The subject is the caller everywhere in the service. */
export interface Identity {
  subject: string;
  issuer: string;
  email?: string;
  groups: string[];
  /** Authentication methods (`amr` claim), e.g. `["pwd","mfa"]`. */
  authMethods: string[];
  /** When the token stops being valid. */
  expiresAt: Date;
  /** The raw token: needed for AssumeRoleWithWebIdentity; never logged or returned. */
  token: string;
}

type Claims = Record<string, unknown>;

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string' && value) return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

export function identityFromClaims(claims: Claims, token: string): Identity {
  return {
    subject: String(claims.sub),
    issuer: String(claims.iss),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    groups: strings(claims['cognito:groups'] ?? claims.groups),
    authMethods: strings(claims.amr),
    expiresAt: new Date(Number(claims.exp) * 1000),
    token,
  };
}
