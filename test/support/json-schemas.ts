// Test helper (not a test): the shipped JSON Schemas (src/cli/schemas) compiled with ajv, an
// assertion that prints what failed, and schemaHoles(), which finds what would let an
// undocumented or wrong-typed field through: an object that allows properties it does not list,
// a property whose type is not constrained, a listed property that is neither required nor
// declared optional. Used by the unit schema tests and the e2e tests that read real status
// output. Reads nothing but the schemas.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { statusSchema, checkSchema } from '../../src/cli/schemas/index.js';

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
// ajv is CommonJS; its draft 2020-12 class is the default export of ajv/dist/2020.
const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020') as new (opts: object) => { compile(schema: object): Validate };
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });

export const validStatus: Validate = ajv.compile(statusSchema);
export const validCheck: Validate = ajv.compile(checkSchema);

export function assertValid(validate: Validate, doc: unknown, what: string): void {
  assert.ok(validate(doc), `${what}: ${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(doc).slice(0, 3000)}`);
}

/** `twinbeat status --json` output (the text) valid against status.schema.json; returns the document. */
export function assertStatusJson(stdout: string, what: string): Record<string, unknown> {
  const doc = JSON.parse(stdout) as Record<string, unknown>;
  assertValid(validStatus, doc, what);
  return doc;
}

/** A keyword that says what a value may be. */
const CONSTRAINING = ['type', 'const', 'enum', '$ref', 'oneOf', 'anyOf'];

/**
 * Where `schema` would accept a field nobody documented, or any type: `path: problem` lines.
 * `optional` lists, as `path.property`, the properties that may be absent on purpose.
 */
export function schemaHoles(schema: unknown, optional: readonly string[] = []): string[] {
  const holes: string[] = [];
  // `refines`: under if/then/else, where `properties` narrows what the object schema above lists.
  const walk = (node: unknown, path: string, refines = false): void => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${path}[${i}]`, refines));
    if (typeof node !== 'object' || node === null) return;
    const s = node as Record<string, unknown>;
    if (s['properties'] !== undefined && !refines) {
      const props = s['properties'] as Record<string, unknown>;
      if (s['additionalProperties'] !== false) holes.push(`${path}: additionalProperties is not false`);
      const required = new Set((s['required'] as string[] | undefined) ?? []);
      for (const [name, sub] of Object.entries(props)) {
        const where = `${path}.${name}`;
        if (!required.has(name) && !optional.includes(where)) holes.push(`${where}: neither required nor declared optional`);
        if (typeof sub === 'object' && sub !== null && !CONSTRAINING.some((k) => k in sub)) holes.push(`${where}: no type`);
      }
    }
    for (const [key, value] of Object.entries(s)) {
      if (key !== 'required' && key !== 'enum' && key !== 'const') walk(value, `${path}/${key}`, refines || ['if', 'then', 'else'].includes(key));
    }
  };
  walk(schema, '#');
  return holes;
}
