import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum UserErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  STALE_VERSION = 'STALE_VERSION',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  NOT_ALLOWED = 'NOT_ALLOWED',
}
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input. Nothing was written when a payload carries user errors.',
  valuesConfig: {
    INVALID_INPUT: { description: 'A value is malformed or out of range.' },
    NOT_FOUND: { description: 'An id names nothing the viewer may see.' },
    ALREADY_EXISTS: { description: 'A value that must be unique is taken.' },
    STALE_VERSION: { description: 'The object changed since `expectedVersion`; refetch and retry.' },
    INVALID_CREDENTIALS: { description: 'Unknown email or wrong password (never told apart).' },
    INVALID_TRANSITION: { description: 'The object cannot move to that state from its current one.' },
    NOT_ALLOWED: { description: 'A business rule forbids this change.' },
  },
});

@ObjectType({ description: 'A reason a mutation refused its input, with the input field it concerns.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field, e.g. ["input", "email"].' })
  field?: string[];

  @Field()
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}

export interface UserErrorShape {
  code: UserErrorCode;
  message: string;
  /** Input field name(s) below `input`, e.g. "email" or ["groupIds", "1"]. */
  field?: string | string[];
}

/**
 * Thrown by services when their rules refuse a command. Thrown inside the command's transaction,
 * it also rolls back whatever the command had written.
 */
export class DomainError extends Error {
  constructor(readonly errors: UserErrorShape[]) {
    super(errors.map((error) => error.message).join('; '));
  }
}

export function fail(code: UserErrorCode, message: string, field?: string | string[]): never {
  throw new DomainError([{ code, message, field }]);
}

/** Collects several refusals so the client sees them all at once. */
export class Problems {
  private readonly errors: UserErrorShape[] = [];
  add(code: UserErrorCode, message: string, field?: string | string[]): void {
    this.errors.push({ code, message, field });
  }
  throwIfAny(): void {
    if (this.errors.length) throw new DomainError(this.errors);
  }
}

function toUserError(shape: UserErrorShape): UserError {
  const error = new UserError();
  error.code = shape.code;
  error.message = shape.message;
  if (shape.field !== undefined) error.field = ['input', ...(Array.isArray(shape.field) ? shape.field : [shape.field])];
  return error;
}

@ObjectType()
export abstract class Payload {
  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

/**
 * Runs a command for a mutation resolver: its result goes into the payload's object field, a refusal
 * (or a race lost at commit: a stale version, a unique value just taken) into `userErrors` with the
 * object null.
 */
export async function toPayload<P extends Payload, K extends keyof P>(
  PayloadClass: new () => P,
  key: K,
  command: () => Promise<P[K]>,
): Promise<P> {
  const payload = new PayloadClass();
  try {
    payload[key] = await command();
  } catch (error) {
    if (error instanceof DomainError) {
      payload.userErrors = error.errors.map(toUserError);
    } else if (error instanceof OptimisticLockError) {
      payload.userErrors = [
        toUserError({ code: UserErrorCode.STALE_VERSION, message: 'Someone else changed this object; refetch it and try again.', field: 'expectedVersion' }),
      ];
    } else if (error instanceof UniqueConstraintViolationException) {
      // A concurrent command took the value between the service's check and the commit.
      payload.userErrors = [toUserError({ code: UserErrorCode.ALREADY_EXISTS, message: 'A value that must be unique was just taken; try another.' })];
    } else {
      throw error;
    }
    (payload as Record<K, unknown>)[key] = null;
  }
  return payload;
}
