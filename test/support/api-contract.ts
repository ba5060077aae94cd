/**
 * The OpenAPI document as a response validator (ajv, JSON Schema 2020-12, the document's own
 * dialect): each answer is checked against the operation its path and method name, its status
 * must be one the operation documents, and a JSON body must be valid against that status's schema.
 * An answer on no documented route must be the documented Error. What is not kept is collected as
 * a violation, named by request, for a test to assert there are none.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Json = Record<string, any>;

const DOC_ID = 'https://sollecito.local/openapi.json';
// ajv-formats is CommonJS: its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Json;
}

export interface ContractAnswer {
  method: string;
  /** The path as requested, query string included or not. */
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const contractChecker = (doc: Json) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Json): ValidateFunction => {
    let v = compiled.get(key);
    if (!v) {
      // Refs into the document's components resolve against the document registered above.
      const absolute = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`)) as Json;
      v = ajv.compile(absolute);
      compiled.set(key, v);
    }
    return v;
  };

  const operations: Operation[] = Object.entries(doc.paths as Json).flatMap(([template, item]) =>
    Object.entries(item as Json).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
      responses: (op as Json).responses as Json,
    })),
  );
  // A literal segment wins over a parameter (/v1/invoices/export before /v1/invoices/{id}).
  operations.sort((a, b) => a.params - b.params);
  const errorSchema = { $ref: '#/components/schemas/Error' };

  const violations: string[] = [];

  const check = (a: ContractAnswer): void => {
    const path = a.path.split('?')[0]!;
    const name = `${a.method} ${a.path} → ${a.status}`;
    const json = (a.headers['content-type'] ?? '').includes('json');
    const validate = (key: string, schema: Json) => {
      const v = validator(key, schema);
      if (!v(a.body)) violations.push(`${name}: ${ajv.errorsText(v.errors, { separator: '; ' })}`);
    };
    const op = operations.find((o) => o.method === a.method && o.pattern.test(path));
    if (!op) {
      // A route the document does not have: the API's own Error, nothing else.
      if (json) validate('Error', errorSchema);
      else violations.push(`${name}: not JSON on an undocumented route`);
      return;
    }
    const documented = op.responses[String(a.status)] as Json | undefined;
    if (!documented) {
      violations.push(`${name}: status ${a.status} is not documented for ${op.method} ${op.template} (${Object.keys(op.responses).join(', ')})`);
      return;
    }
    const content = (documented.content ?? {}) as Json;
    if (!json) {
      if (a.status !== 204 && !Object.keys(content).some((t) => (a.headers['content-type'] ?? '').startsWith(t))) {
        violations.push(`${name}: content type ${a.headers['content-type'] ?? '(none)'} is not documented (${Object.keys(content).join(', ')})`);
      }
      return;
    }
    const schema = content['application/json']?.schema as Json | undefined;
    if (!schema) {
      violations.push(`${name}: a JSON body where the document has none`);
      return;
    }
    validate(`${op.method} ${op.template} ${a.status}`, schema);
  };

  return { check, violations };
};
