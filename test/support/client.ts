import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';

export interface GraphQLResponse<R> {
  status: number;
  data?: R | null;
  errors?: GraphQLFormattedError[];
  headers: Headers;
}

/** Variables may be left out when the operation has no required one. */
type VariablesArg<V> = {} extends V ? [variables?: V] : [variables: V];

/** Talks to the server over real HTTP, as a client app would. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): GraphQLClient {
    return new GraphQLClient(this.url, token);
  }

  async raw(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<Record<string, unknown>>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let json: { data?: Record<string, unknown>; errors?: GraphQLFormattedError[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 300)}`);
    }
    return { status: response.status, headers: response.headers, ...json };
  }

  async request<R, V>(document: TypedDocumentNode<R, V>, ...[variables]: VariablesArg<V>): Promise<GraphQLResponse<R>> {
    return (await this.raw({ query: print(document), variables })) as GraphQLResponse<R>;
  }

  /** The data of a request that must succeed without any error. */
  async data<R, V>(document: TypedDocumentNode<R, V>, ...variables: VariablesArg<V>): Promise<R> {
    const response = await this.request(document, ...variables);
    if (response.errors?.length || !response.data) {
      throw new Error(`expected data, got HTTP ${response.status}: ${JSON.stringify(response.errors)}`);
    }
    return response.data;
  }
}

/** The `extensions.code` of each error, for compact assertions. */
export const errorCodes = (response: { errors?: readonly GraphQLFormattedError[] }) =>
  (response.errors ?? []).map((error) => error.extensions?.code);
