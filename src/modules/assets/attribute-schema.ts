/**
 * The JSON Schema subset that types an asset kind's `attributes`. Small on purpose, and strict
 * about it: a keyword it does not enforce is refused when the schema is set, so an admin never
 * believes something is checked when it is not.
 *
 * The schema is an object schema:
 *   { "type": "object", "properties": { …name: property… }, "required": [names], "additionalProperties": bool }
 * and each property a primitive:
 *   { "type": "string" | "number" | "integer" | "boolean", "enum": [values],
 *     "minimum", "maximum" (numbers), "minLength", "maxLength", "pattern" (strings),
 *     "format": "date" (YYYY-MM-DD strings) }
 * `title`, `description`, `$schema`, `$id`, `examples` and `default` are accepted as annotations.
 */

export interface SchemaProblem {
  /** Path below the checked value, e.g. ["properties", "ram", "type"] or ["ram"]. */
  path: string[];
  message: string;
}

export type AttributeSchema = Record<string, unknown>;

const ANNOTATIONS = new Set(['title', 'description', '$schema', '$id', '$comment', 'examples', 'default']);
const ROOT_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', ...ANNOTATIONS]);
const PROPERTY_KEYWORDS = new Set(['type', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format', ...ANNOTATIONS]);
const PRIMITIVE_TYPES = ['string', 'number', 'integer', 'boolean'] as const;
type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];

export const MAX_SCHEMA_BYTES = 16 * 1024;
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;
const MAX_PROPERTIES = 100;
const MAX_PATTERN_LENGTH = 200;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonNegativeInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fitsType(type: PrimitiveType, value: unknown): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === type;
}

/** Problems of a schema an admin wants to set; empty when it is usable. */
export function checkSchema(schema: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (path: string[], message: string) => problems.push({ path, message });
  if (!isPlainObject(schema)) return [{ path: [], message: 'The schema must be a JSON object.' }];
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return [{ path: [], message: `The schema must be at most ${MAX_SCHEMA_BYTES} bytes of JSON.` }];
  for (const keyword of Object.keys(schema)) {
    if (!ROOT_KEYWORDS.has(keyword)) add([keyword], `"${keyword}" is not supported here (supported: ${[...ROOT_KEYWORDS].join(', ')}).`);
  }
  if (schema.type !== undefined && schema.type !== 'object') add(['type'], 'The attributes are an object: "type" must be "object".');
  if (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== 'boolean') {
    add(['additionalProperties'], '"additionalProperties" must be true or false.');
  }
  const properties = schema.properties ?? {};
  if (!isPlainObject(properties)) {
    add(['properties'], '"properties" must be an object of property schemas.');
  } else {
    if (Object.keys(properties).length > MAX_PROPERTIES) add(['properties'], `At most ${MAX_PROPERTIES} properties.`);
    for (const [name, property] of Object.entries(properties)) checkProperty(property, ['properties', name], add);
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || schema.required.some((name) => typeof name !== 'string')) {
      add(['required'], '"required" must be a list of property names.');
    } else if (isPlainObject(properties)) {
      for (const name of schema.required as string[]) {
        if (!(name in properties)) add(['required'], `"${name}" is required but not among "properties".`);
      }
    }
  }
  return problems;
}

function checkProperty(property: unknown, path: string[], add: (path: string[], message: string) => void): void {
  if (!isPlainObject(property)) return add(path, 'A property schema must be an object.');
  for (const keyword of Object.keys(property)) {
    if (!PROPERTY_KEYWORDS.has(keyword)) add([...path, keyword], `"${keyword}" is not supported here (supported: ${[...PROPERTY_KEYWORDS].join(', ')}).`);
  }
  const type = property.type as PrimitiveType;
  if (!PRIMITIVE_TYPES.includes(type)) return add([...path, 'type'], `"type" must be one of ${PRIMITIVE_TYPES.join(', ')}.`);
  const numeric = type === 'number' || type === 'integer';
  for (const bound of ['minimum', 'maximum'] as const) {
    if (property[bound] === undefined) continue;
    if (!numeric) add([...path, bound], `"${bound}" applies to numbers only.`);
    else if (typeof property[bound] !== 'number' || !Number.isFinite(property[bound])) add([...path, bound], `"${bound}" must be a number.`);
  }
  for (const bound of ['minLength', 'maxLength'] as const) {
    if (property[bound] === undefined) continue;
    if (type !== 'string') add([...path, bound], `"${bound}" applies to strings only.`);
    else if (!isNonNegativeInteger(property[bound])) add([...path, bound], `"${bound}" must be a whole number of at least 0.`);
  }
  if (property.pattern !== undefined) {
    if (type !== 'string') add([...path, 'pattern'], '"pattern" applies to strings only.');
    else if (typeof property.pattern !== 'string' || property.pattern.length > MAX_PATTERN_LENGTH) {
      add([...path, 'pattern'], `"pattern" must be a regular expression of at most ${MAX_PATTERN_LENGTH} characters.`);
    } else {
      try {
        new RegExp(property.pattern, 'u');
      } catch {
        add([...path, 'pattern'], '"pattern" is not a valid regular expression.');
      }
    }
  }
  if (property.format !== undefined && !(type === 'string' && property.format === 'date')) {
    add([...path, 'format'], '"format" supports "date" (YYYY-MM-DD) on strings only.');
  }
  if (property.enum !== undefined) {
    if (!Array.isArray(property.enum) || property.enum.length === 0) add([...path, 'enum'], '"enum" must be a non-empty list.');
    else if (property.enum.some((value) => !fitsType(type, value))) add([...path, 'enum'], `Every "enum" value must be of type ${type}.`);
  }
}

/** Problems of `attributes` against a checked schema (null: anything goes); empty when valid. */
export function validateAttributes(schema: AttributeSchema | null, attributes: unknown): SchemaProblem[] {
  if (!isPlainObject(attributes)) return [{ path: [], message: 'attributes must be a JSON object.' }];
  if (JSON.stringify(attributes).length > MAX_ATTRIBUTES_BYTES) return [{ path: [], message: `attributes must be at most ${MAX_ATTRIBUTES_BYTES} bytes of JSON.` }];
  if (!schema) return [];
  const problems: SchemaProblem[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const name of (schema.required ?? []) as string[]) {
    if (attributes[name] === undefined || attributes[name] === null) problems.push({ path: [name], message: `${name} is required.` });
  }
  for (const [name, value] of Object.entries(attributes)) {
    const property = properties[name];
    if (!property) {
      if (schema.additionalProperties === false) problems.push({ path: [name], message: `${name} is not an attribute of this kind.` });
      continue;
    }
    if (value === null) continue;
    const problem = propertyProblem(name, property, value);
    if (problem) problems.push({ path: [name], message: problem });
  }
  return problems;
}

function propertyProblem(name: string, property: Record<string, unknown>, value: unknown): string | null {
  const type = property.type as PrimitiveType;
  if (!fitsType(type, value)) return `${name} must be ${type === 'integer' ? 'an integer' : `a ${type}`}, not ${typeOf(value)}.`;
  if (Array.isArray(property.enum) && !property.enum.includes(value)) return `${name} must be one of ${property.enum.map((item) => JSON.stringify(item)).join(', ')}.`;
  if (typeof value === 'number') {
    if (typeof property.minimum === 'number' && value < property.minimum) return `${name} must be at least ${property.minimum}.`;
    if (typeof property.maximum === 'number' && value > property.maximum) return `${name} must be at most ${property.maximum}.`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof property.minLength === 'number' && length < property.minLength) return `${name} must have at least ${property.minLength} characters.`;
    if (typeof property.maxLength === 'number' && length > property.maxLength) return `${name} must have at most ${property.maxLength} characters.`;
    if (typeof property.pattern === 'string' && !new RegExp(property.pattern, 'u').test(value)) return `${name} must match ${property.pattern}.`;
    if (property.format === 'date' && !isCalendarDate(value)) return `${name} must be a date, YYYY-MM-DD.`;
  }
  return null;
}
