import type { EntityManager } from '@mikro-orm/postgresql';

interface PendingRead {
  sql: string;
  params: readonly unknown[];
  resolve(rows: unknown[]): void;
  reject(error: unknown): void;
}

/**
 * Reads that travel together: the statements asked for in one turn of the event loop go to
 * PostgreSQL in a single round trip, as one simple query of several statements (MikroORM inlines
 * parameters, so nothing is prepared and the protocol allows it), and each caller gets its own
 * statement's rows. A request's DataLoaders dispatch their batches in the same turn, so the
 * relations of a page (people, groups, organizations, assets, comment counts) cost one round trip
 * instead of one each.
 *
 * PostgreSQL stops a multi-statement query at the first error, so a failing read fails the others
 * of its trip too. Only reads belong here: the statements run in one implicit transaction.
 */
export class ReadBatch {
  private pending: PendingRead[] = [];

  /** `em` is asked at sending time: a context may change its EntityManager (see tickets.events.ts). */
  constructor(private readonly em: () => EntityManager) {}

  read<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    // Every `?` takes the next parameter (MikroORM's formatQuery): a miscount would shift the
    // parameters of the statements sent after this one.
    const placeholders = sql.split('?').length - 1;
    if (placeholders !== params.length) return Promise.reject(new Error(`a batched read has ${placeholders} placeholders for ${params.length} parameters`));
    return new Promise<Row[]>((resolve, reject) => {
      // setImmediate runs once the microtasks and nextTicks of this turn (DataLoader's dispatch) are done.
      if (!this.pending.length) setImmediate(() => void this.send());
      this.pending.push({ sql: sql.trim().replace(/;$/, ''), params, resolve: resolve as (rows: unknown[]) => void, reject });
    });
  }

  private async send(): Promise<void> {
    const reads = this.pending;
    this.pending = [];
    try {
      if (reads.length === 1) {
        reads[0].resolve(await this.em().execute(reads[0].sql, [...reads[0].params]));
        return;
      }
      const results = await this.em().execute<unknown[][]>(
        reads.map((read) => read.sql).join(';\n'),
        reads.flatMap((read) => read.params),
      );
      reads.forEach((read, index) => read.resolve(results[index]));
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}
