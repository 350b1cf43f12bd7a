import fs from 'node:fs';
import path from 'node:path';
import { printDeskgraphSchema } from '../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('is what the code emits (run `npm run schema` after changing the API)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printDeskgraphSchema()).toBe(committed);
  });
});
