import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { toPayload } from '../../graphql/user-errors';
import { loadViewer, SessionService } from './session.service';
import { LoginInput, LoginPayload, UserNode } from './users.types';
import { userById } from './users.loaders';

/** Open to anonymous callers: logging in, and asking who you are. */
@Resolver()
export class SessionResolver {
  @Query(() => UserNode, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  async viewer(@Ctx() ctx: Context): Promise<UserNode | null> {
    if (!ctx.viewer) return null;
    const user = await ctx.loaders.get(userById).load(ctx.viewer.id);
    return user && UserNode.from(user);
  }

  @Mutation(() => LoginPayload, { description: 'Exchanges an e-mail and password for a bearer token.' })
  async login(@Arg('input') input: LoginInput, @Ctx() ctx: Context): Promise<LoginPayload> {
    const sessions = new SessionService(ctx.em, ctx.app.tokens, ctx.app.config.loginRateLimit);
    let token: string | null = null;
    const payload = await toPayload(LoginPayload, 'user', async () => {
      const session = await sessions.login({ email: input.email, password: input.password, ip: ctx.ip });
      token = session.token;
      // The payload is read as the person who just logged in.
      ctx.viewer = await loadViewer(ctx.em, session.user.id);
      return UserNode.from(session.user);
    });
    payload.token = token;
    return payload;
  }
}
