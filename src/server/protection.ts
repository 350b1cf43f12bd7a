import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { QueryLimits } from '../config';
import { badUserInput } from '../errors';
import { refuseNulCharacters } from '../graphql/input-guard';
import { DEFAULT_PAGE_SIZE } from '../graphql/relay';

/**
 * A list field costs its page size times what each item costs. The size comes from the resolved
 * arguments, so `first: $n` is counted with the variable's value (armor's own cost rule misses it).
 */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
  if (size !== undefined) return 1 + childComplexity * Math.max(size, 1);
  if ('first' in args || 'last' in args || 'after' in args) return 1 + childComplexity * DEFAULT_PAGE_SIZE;
  return undefined;
};

export interface QueryProtection {
  /** Depth, alias and directive limits, run with graphql validation. */
  validationRules: ValidationRule[];
  /** Apollo plugins: token limit at parse, cost once the operation and its variables are known. */
  plugins: ApolloServerPlugin[];
  /** Throws BAD_USER_INPUT when the operation holds a NUL character or would cost more than the budget. */
  checkOperation(document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): void;
}

export function queryProtection(schema: GraphQLSchema, limits: QueryLimits): QueryProtection {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  }).protect();

  const checkOperation: QueryProtection['checkOperation'] = (document, variables, operationName) => {
    refuseNulCharacters(document, variables);
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        variables: variables ?? {},
        operationName,
        estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch {
      // Variables that do not coerce: execution refuses them with a precise BAD_USER_INPUT, and runs nothing.
      return;
    }
    if (cost > limits.maxCost) {
      throw badUserInput(`This query would cost ${cost}, above the limit of ${limits.maxCost}: ask for smaller pages or fewer fields.`);
    }
  };

  const operationPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          checkOperation(document, request.variables, request.operationName ?? undefined);
        },
      };
    },
  };

  return { validationRules: armor.validationRules, plugins: [...armor.plugins, operationPlugin], checkOperation };
}
