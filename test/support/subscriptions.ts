import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A real graphql-ws client (Node 20 has no global WebSocket) that fails fast instead of retrying. */
export function wsClient(url: string, token: string): Client {
  return createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
}

/** The events one subscription received, and a way to wait for more. */
export class Received<R> {
  readonly items: R[] = [];
  errors: readonly GraphQLFormattedError[] | null = null;
  completed = false;
  private readonly waiters: (() => void)[] = [];
  readonly stop: () => void;

  constructor(client: Client, document: TypedDocumentNode<R, Record<string, unknown>>, variables: Record<string, unknown>) {
    this.stop = client.subscribe<R>(
      { query: print(document), variables },
      {
        next: (result) => {
          if (result.errors) this.errors = result.errors;
          if (result.data) this.items.push(result.data as R);
          this.notify();
        },
        error: (error) => {
          this.errors = Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }];
          this.notify();
        },
        complete: () => {
          this.completed = true;
          this.notify();
        },
      },
    );
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once `count` items arrived (or an error did); fails after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<R[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length < count && !this.errors) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${count} events, got ${this.items.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.items;
  }
}

export function subscribe<R, V extends Record<string, unknown>>(client: Client, document: TypedDocumentNode<R, V>, variables: V): Received<R> {
  return new Received<R>(client, document as TypedDocumentNode<R, Record<string, unknown>>, variables);
}
