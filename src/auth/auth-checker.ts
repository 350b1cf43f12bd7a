import type { AuthCheckerFn } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors';
import type { Context } from '../graphql/context';
import type { Role } from './roles';

/**
 * Backs `@Authorized(...roles)`: no viewer is UNAUTHENTICATED, a viewer outside the roles FORBIDDEN.
 * Row-level rules (which tickets, which users) live in each domain's policy file.
 */
export const authChecker: AuthCheckerFn<Context, Role> = ({ context }, roles) => {
  if (!context.viewer) throw unauthenticated();
  if (roles.length > 0 && !roles.includes(context.viewer.role)) throw forbidden();
  return true;
};
