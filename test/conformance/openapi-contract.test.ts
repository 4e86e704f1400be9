/**
 * Every server's served /openapi.json, read as Open WebUI reads it, against the rules of
 * ../shared/docs/open-webui-contract.md §2. A break here makes a tool invisible or broken in Open WebUI.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createToolServer, HTTP_METHODS, listOperations, loadSpec, type JsonObject } from '@toolpack/shared';
import { SERVERS, type BuiltServer } from '../helpers/servers.js';

type Schema = JsonObject;

function resolveRef(doc: JsonObject, node: unknown): Schema {
  let current = node as Schema;
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 20; hops++) {
    const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
    current = pointer.reduce<any>((acc, key) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return current;
}

/** Every schema below `schema` (properties, items, combinators), refs resolved, with its place. */
function* walkSchemas(doc: JsonObject, schema: unknown, where: string, seen = new Set<unknown>()): Generator<[string, Schema]> {
  const s = resolveRef(doc, schema);
  if (!s || typeof s !== 'object' || seen.has(s)) return;
  seen.add(s);
  yield [where, s];
  for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) yield* walkSchemas(doc, prop, `${where}.${name}`, seen);
  if (s.items) yield* walkSchemas(doc, s.items, `${where}[]`, seen);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    for (const [i, sub] of ((s[key] ?? []) as unknown[]).entries()) yield* walkSchemas(doc, sub, `${where}.${key}[${i}]`, seen);
  }
}

const served: Record<string, JsonObject> = {};
const built: BuiltServer[] = [];

beforeAll(async () => {
  for (const [name, build] of Object.entries(SERVERS)) {
    const server = await build();
    built.push(server);
    // Fetched as Open WebUI fetches it in session/none mode: no credentials at all.
    const r = await request(server.app).get('/openapi.json');
    expect(r.status, name).toBe(200);
    served[name] = r.body as JsonObject;
  }
});
afterAll(async () => {
  for (const server of built) await server.cleanup();
});

function toolOperations(doc: JsonObject) {
  return listOperations(doc);
}

describe.each(Object.keys(SERVERS))('%s: served spec', (name) => {
  it('has paths and at least one tool operation', () => {
    expect(Object.keys((served[name]!.paths ?? {}) as object).length).toBeGreaterThan(0);
  });

  it('every operation has a snake_case operationId of at most 64 characters', () => {
    for (const op of toolOperations(served[name]!)) {
      expect(op.operationId, `${op.method} ${op.path}`).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
    }
  });

  it('every operation has a description written for a model', () => {
    for (const op of toolOperations(served[name]!)) {
      const description = op.definition.description;
      expect(typeof description, op.operationId).toBe('string');
      expect((description as string).length, op.operationId).toBeGreaterThanOrEqual(40);
    }
  });

  it('no helper route is served as a tool', () => {
    for (const op of toolOperations(served[name]!)) expect(op.helper, op.operationId).toBe(false);
  });

  it('parameters are only path or query, never arrays, always typed and described', () => {
    const doc = served[name]!;
    for (const op of toolOperations(doc)) {
      const pathItem = (doc.paths as Record<string, JsonObject>)[op.path]!;
      const params = [...((pathItem.parameters ?? []) as unknown[]), ...((op.definition.parameters ?? []) as unknown[])].map((p) => resolveRef(doc, p));
      for (const param of params) {
        const where = `${op.operationId}.${String(param.name)}`;
        expect(['path', 'query'], where).toContain(param.in);
        const schema = resolveRef(doc, param.schema);
        expect(typeof schema?.type, where).toBe('string');
        expect(schema.type, where).not.toBe('array');
        expect(typeof param.description === 'string' || param.in === 'path', where).toBe(true);
      }
    }
  });

  it('request bodies are JSON objects with properties at the root, every schema typed', () => {
    const doc = served[name]!;
    for (const op of toolOperations(doc)) {
      const body = resolveRef(doc, op.definition.requestBody);
      if (!body) continue;
      const content = (body.content ?? {}) as Record<string, JsonObject>;
      expect(Object.keys(content), op.operationId).toEqual(['application/json']);
      const root = resolveRef(doc, content['application/json']!.schema);
      expect(root.type, op.operationId).toBe('object');
      expect(Object.keys((root.properties ?? {}) as object).length, op.operationId).toBeGreaterThan(0);
      for (const key of ['allOf', 'oneOf', 'anyOf']) expect(root[key], `${op.operationId} root ${key}`).toBeUndefined();
      for (const [where, schema] of walkSchemas(doc, root, op.operationId)) {
        expect(schema.type, `${where} needs an explicit type`).toBeDefined();
      }
    }
  });

  it('response schemas are typed too', () => {
    const doc = served[name]!;
    for (const op of toolOperations(doc)) {
      for (const [status, response] of Object.entries((op.definition.responses ?? {}) as Record<string, unknown>)) {
        const content = (resolveRef(doc, response).content ?? {}) as Record<string, JsonObject>;
        for (const media of Object.values(content)) {
          for (const [where, schema] of walkSchemas(doc, media.schema, `${op.operationId} ${status}`)) {
            expect(schema.type, `${where} needs an explicit type`).toBeDefined();
          }
        }
      }
    }
  });

  it('uses only methods Open WebUI can call', () => {
    for (const op of toolOperations(served[name]!)) expect(HTTP_METHODS.slice(0, 4).concat(['patch'])).toContain(op.method);
  });
});

describe('across the whole pack', () => {
  it('operationIds are unique across every server (duplicates silently hide tools)', () => {
    const seen = new Map<string, string>();
    for (const [name, doc] of Object.entries(served)) {
      for (const op of toolOperations(doc)) {
        expect(seen.get(op.operationId), `${op.operationId} in ${name} and ${seen.get(op.operationId)}`).toBeUndefined();
        seen.set(op.operationId, name);
      }
    }
  });

  it("no server reuses Open Terminal's tool names outside the terminal", () => {
    const terminalNames = ['run_command', 'get_process_status', 'send_process_input', 'kill_process', 'list_processes', 'list_files', 'read_file', 'display_file', 'write_file', 'replace_file_content', 'grep_search', 'glob_search', 'get_info', 'execute_code'];
    for (const [name, doc] of Object.entries(served)) {
      if (name === 'terminal') continue;
      for (const op of toolOperations(doc)) expect(terminalNames, `${name}: ${op.operationId}`).not.toContain(op.operationId);
    }
  });

  it('a server refuses to build when an operation has no handler or a handler no operation', () => {
    const spec = loadSpec(new URL('../../specs/files.yaml', import.meta.url).pathname);
    const logger = createLogger({ name: 't', level: 'silent' });
    expect(() => createToolServer({ name: 'files', spec, handlers: {}, access: { apiKeys: ['k'] }, logger })).toThrow(/operations without handler \[list_directory/);
    const all = Object.fromEntries(spec.operations.map((op) => [op.operationId, () => ({})]));
    expect(() => createToolServer({ name: 'files', spec, handlers: { ...all, not_in_spec: () => ({}) }, access: { apiKeys: ['k'] }, logger })).toThrow(/handlers without operation \[not_in_spec\]/);
  });
});
