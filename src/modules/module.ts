import type { AppServices, Context } from '../graphql/context';

/** Fetches one object for `node(id)`, applying its domain's visibility rules (null when hidden). */
export type NodeFetcher = (ctx: Context, id: string) => Promise<object | null>;

/** What a domain contributes to the server: its tables, its resolvers, its node types. */
export interface DomainModule {
  name: string;
  entities: Function[];
  resolvers: Function[];
  /** GraphQL type name → fetcher, for `node(id)`. */
  nodes: Record<string, NodeFetcher>;
  /** Work the domain runs in the background of every instance (timers, sweeps), started once serving. */
  background?: (app: AppServices) => { stop(): Promise<void> };
}
