import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printDeskgraphSchema } from '../graphql/schema';

/**
 * `npm run schema` writes schema/schema.graphql from the code; `npm run schema -- --check` fails
 * when the committed file differs (CI runs it).
 */
export const SCHEMA_FILE = path.resolve(__dirname, '..', '..', '..', 'schema', 'schema.graphql');

const printed = printDeskgraphSchema();
if (process.argv.includes('--check')) {
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  if (committed !== printed) {
    console.error('schema/schema.graphql is out of date: run `npm run schema` and commit it.');
    process.exit(1);
  }
  console.log('schema/schema.graphql is current');
} else {
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, printed);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
