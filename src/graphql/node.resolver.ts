import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { MODULES } from '../modules';
import type { NodeFetcher } from '../modules/module';
import type { Context } from './context';
import { fromGlobalId, isDatabaseId } from './global-id';
import { MAX_PAGE_SIZE, Node } from './relay';
import { badUserInput } from '../errors';

const FETCHERS: Record<string, NodeFetcher> = Object.assign({}, ...MODULES.map((module) => module.nodes));

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null when unknown or not visible to the viewer.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<object | null> | null {
    const decoded = fromGlobalId(id);
    const fetch = decoded && isDatabaseId(decoded.id) ? FETCHERS[decoded.type] : undefined;
    return fetch ? fetch(ctx, decoded!.id) : null;
  }

  @Query(() => [Node], { nullable: 'items', description: 'Several objects by global id, in order; null for each unknown or hidden one.' })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<(object | null)[]> {
    if (ids.length > MAX_PAGE_SIZE) throw badUserInput(`Ask for at most ${MAX_PAGE_SIZE} ids at once.`, 'ids');
    return Promise.all(ids.map((id) => this.node(id, ctx)));
  }
}
