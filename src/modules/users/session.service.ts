import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '../../auth/passwords';
import { Role } from '../../auth/roles';
import type { TokenService } from '../../auth/tokens';
import type { Viewer } from '../../auth/viewer';
import type { Config } from '../../config';
import { rateLimited } from '../../errors';
import { fail, UserErrorCode } from '../../graphql/user-errors';
import { normalizeEmail } from '../../validation';
import { User } from './users.entities';

export interface LoginCommand {
  email: string;
  password: string;
  /** The caller's address, throttled alongside the e-mail. */
  ip: string;
}

/**
 * Logging in, and who a token stands for. Failed logins are counted in PostgreSQL per e-mail and
 * per address, so the limit holds across every instance of the server.
 */
export class SessionService {
  constructor(
    private readonly em: EntityManager,
    private readonly tokens: TokenService,
    private readonly limits: Config['loginRateLimit'],
  ) {}

  async login(command: LoginCommand): Promise<{ token: string; user: User }> {
    const email = normalizeEmail(command.email);
    const keys = [`email:${email}`, `ip:${command.ip}`];
    await this.refuseWhenThrottled(keys);

    const user = await this.em.findOne(User, { email }, { populate: ['passwordHash'] });
    const valid =
      user?.active && user.passwordHash ? await verifyPassword(command.password, user.passwordHash) : await verifyAgainstDecoy(command.password);
    if (!user || !valid) {
      await this.recordFailure(keys);
      fail(UserErrorCode.INVALID_CREDENTIALS, 'Wrong e-mail or password.');
    }
    await this.em.execute('delete from login_throttle where key = ?', [keys[0]]);
    return { token: this.tokens.issue(user.id), user };
  }

  private async refuseWhenThrottled(keys: string[]): Promise<void> {
    const rows: { key: string; failures: number; retry_after: number }[] = await this.em.execute(
      `select key, failures, ceil(extract(epoch from window_started_at + make_interval(secs => ?) - now()))::int as retry_after
         from login_throttle where key in (?, ?) and window_started_at > now() - make_interval(secs => ?)`,
      [this.limits.windowSeconds, keys[0], keys[1], this.limits.windowSeconds],
    );
    const limitOf = (key: string) => (key.startsWith('ip:') ? this.limits.maxFailures * 5 : this.limits.maxFailures);
    const blocked = rows.filter((row) => row.failures >= limitOf(row.key));
    if (blocked.length) throw rateLimited(Math.max(1, ...blocked.map((row) => row.retry_after)));
  }

  /** Counts a failure in a fixed window per key; a window that has run out starts again at 1. */
  private async recordFailure(keys: string[]): Promise<void> {
    await this.em.execute(
      `insert into login_throttle (key, failures, window_started_at)
       values (?, 1, now()), (?, 1, now())
       on conflict (key) do update set
         failures = case when login_throttle.window_started_at > now() - make_interval(secs => ?) then login_throttle.failures + 1 else 1 end,
         window_started_at = case when login_throttle.window_started_at > now() - make_interval(secs => ?) then login_throttle.window_started_at else now() end`,
      [keys[0], keys[1], this.limits.windowSeconds, this.limits.windowSeconds],
    );
  }
}

/** The viewer behind a verified token's user id: null when the user is gone or deactivated. */
export async function loadViewer(em: EntityManager, userId: string): Promise<Viewer | null> {
  const rows: { id: string; role: Role; organization_id: string | null; share_tickets: boolean | null; group_ids: string[] }[] = await em.execute(
    `select u.id, u.role, u.organization_id, o.share_tickets,
            coalesce(array_agg(m.group_id) filter (where m.group_id is not null), '{}') as group_ids
       from users u
       left join organizations o on o.id = u.organization_id
       left join group_members m on m.user_id = u.id
      where u.id = ? and u.active
      group by u.id, o.id`,
    [userId],
  );
  const row = rows[0];
  return row
    ? { id: row.id, role: row.role, organizationId: row.organization_id, organizationSharesTickets: row.share_tickets ?? false, groupIds: row.group_ids }
    : null;
}

/** Creates the configured first admin unless someone already has that e-mail. */
export async function bootstrapAdmin(em: EntityManager, admin: { email: string; password: string }): Promise<boolean> {
  const email = normalizeEmail(admin.email);
  if (await em.count(User, { email })) return false;
  em.create(User, { email, name: 'Administrator', role: Role.ADMIN, passwordHash: await hashPassword(admin.password) });
  await em.flush();
  return true;
}
