import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { MODULES } from '../modules';
import { NodeResolver } from './node.resolver';

let schema: GraphQLSchema | undefined;

/** The executable schema, built once from every module's resolvers. */
export function deskgraphSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [NodeResolver, ...MODULES.flatMap((module) => module.resolvers)] as unknown as NonEmptyArray<Function>,
    authChecker,
    // Input rules are business rules: services report them as userErrors, not as thrown errors.
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // Subscriptions read the event log (modules/events), never type-graphql's in-memory PubSub,
    // which type-graphql nevertheless requires to be present.
    pubSub: {
      publish: () => {
        throw new Error('stage events in the outbox (stageEvents), not in a PubSub');
      },
      subscribe: () => {
        throw new Error('subscriptions stream from the event log (EventDispatcher.stream)');
      },
    },
  });
  return schema;
}

/** The SDL committed in schema/schema.graphql, sorted so that diffs show real changes only. */
export function printDeskgraphSchema(): string {
  return `${printSchema(lexicographicSortSchema(deskgraphSchema()))}\n`;
}
