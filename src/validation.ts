import { type Problems, UserErrorCode } from './graphql/user-errors';

/** Checks shared by every domain's commands; each adds a user error naming the input field. */

export function checkText(problems: Problems, value: string | null | undefined, field: string, max = 200): void {
  if (value === undefined || value === null) return;
  if (value.trim().length === 0) problems.add(UserErrorCode.INVALID_INPUT, `${field} must not be blank.`, field);
  else if (value.length > max) problems.add(UserErrorCode.INVALID_INPUT, `${field} must be at most ${max} characters.`, field);
}

const MAX_TAGS = 20;

/** Tags as stored: trimmed, lower-cased, without repeats; 1 to 50 characters each, at most 20. */
export function normalizeTags(problems: Problems, tags: string[] | undefined): string[] | undefined {
  if (tags === undefined) return undefined;
  const normalized = [...new Set(tags.map((tag) => tag.trim().toLowerCase()))];
  if (normalized.some((tag) => tag.length === 0 || tag.length > 50)) {
    problems.add(UserErrorCode.INVALID_INPUT, 'Each tag must have 1 to 50 characters.', 'tags');
  }
  if (normalized.length > MAX_TAGS) problems.add(UserErrorCode.INVALID_INPUT, `At most ${MAX_TAGS} tags.`, 'tags');
  return normalized;
}

export function checkRange(problems: Problems, value: number | null | undefined, field: string, min: number, max: number): void {
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.add(UserErrorCode.INVALID_INPUT, `${field} must be a whole number from ${min} to ${max}.`, field);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkEmail(problems: Problems, email: string | undefined, field: string): void {
  if (email !== undefined && (!EMAIL.test(email) || email.length > 254)) {
    problems.add(UserErrorCode.INVALID_INPUT, `${field} is not a valid e-mail address.`, field);
  }
}

/** Zones found valid (building an Intl.DateTimeFormat takes about a millisecond); capped, as spellings vary in case. */
const validZones = new Set<string>();
const MAX_REMEMBERED_ZONES = 2000;

export function isIanaTimezone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    if (validZones.size < MAX_REMEMBERED_ZONES) validZones.add(zone);
    return true;
  } catch {
    return false;
  }
}

export function checkTimezone(problems: Problems, zone: string | null | undefined, field: string): void {
  if (zone !== undefined && zone !== null && !isIanaTimezone(zone)) {
    problems.add(UserErrorCode.INVALID_INPUT, `${field} must be an IANA time zone such as Europe/Paris.`, field);
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function checkDomain(problems: Problems, domain: string | null | undefined, field: string): void {
  if (domain !== undefined && domain !== null && !DOMAIN.test(domain)) {
    problems.add(UserErrorCode.INVALID_INPUT, `${field} must be a domain name such as acme.example.`, field);
  }
}

/** Reports a stale `expectedVersion`; MikroORM's version column catches the races this check cannot. */
export function checkVersion(problems: Problems, current: number, expected: number | null | undefined): void {
  if (expected !== undefined && expected !== null && expected !== current) {
    problems.add(UserErrorCode.STALE_VERSION, `This object is at version ${current}, not ${expected}; refetch it and try again.`, 'expectedVersion');
  }
}
