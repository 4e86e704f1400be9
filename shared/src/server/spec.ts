import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export type JsonObject = Record<string, unknown>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  /** Marked `x-helper: true` in the source: routed, but left out of the served spec (not a tool). */
  helper: boolean;
  /** `security: []` on the operation: reachable without the API key (it checks something else). */
  public: boolean;
  definition: JsonObject;
}

export interface LoadedSpec {
  /** The whole contract, every `$ref` to a sibling file made local: what the router validates against. */
  source: JsonObject;
  /** What Open WebUI and models see at /openapi.json: the tool operations only. */
  served: JsonObject;
  operations: SpecOperation[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites `$ref: "common.yaml#/components/..."` into local refs and copies the referenced file's
 * components in, so the spec is self-contained (served as one document, validated as one).
 */
function bundle(doc: JsonObject, baseDir: string): JsonObject {
  const files = new Map<string, JsonObject>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        const [file, pointer = ''] = value.split('#');
        if (!file || !pointer.startsWith('/components/')) throw new Error(`Unsupported $ref ${value}`);
        if (!files.has(file)) files.set(file, parse(readFileSync(resolve(baseDir, file), 'utf8')) as JsonObject);
        out[key] = `#${pointer}`;
      } else {
        out[key] = visit(value);
      }
    }
    return out;
  };
  const bundled = visit(doc) as JsonObject;
  const components = (bundled.components ?? {}) as Record<string, JsonObject>;
  for (const other of files.values()) {
    const theirs = (visit(other) as JsonObject).components as Record<string, JsonObject> | undefined;
    for (const [section, entries] of Object.entries(theirs ?? {})) {
      components[section] = { ...entries, ...(components[section] ?? {}) };
    }
  }
  bundled.components = components;
  return bundled;
}

/** Every operation of a spec, in document order. */
export function listOperations(doc: JsonObject): SpecOperation[] {
  const ops: SpecOperation[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, JsonObject>)) {
    for (const method of HTTP_METHODS) {
      const definition = item[method];
      if (!isObject(definition)) continue;
      const security = definition.security;
      ops.push({
        operationId: String(definition.operationId ?? ''),
        method,
        path,
        helper: definition['x-helper'] === true,
        public: Array.isArray(security) && security.length === 0,
        definition,
      });
    }
  }
  return ops;
}

/** A copy of the spec without the operations `drop` picks, and without the paths left empty. */
export function withoutOperations(doc: JsonObject, drop: (operation: JsonObject) => boolean): JsonObject {
  const out = structuredClone(doc);
  const paths = (out.paths ?? {}) as Record<string, JsonObject>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      if (isObject(item[method]) && drop(item[method] as JsonObject)) delete item[method];
    }
    if (!HTTP_METHODS.some((m) => m in item)) delete paths[path];
  }
  return out;
}

/** The spec without helper operations. */
function stripHelpers(doc: JsonObject): JsonObject {
  return withoutOperations(doc, (op) => op['x-helper'] === true);
}

const loaded = new Map<string, LoadedSpec>();

/**
 * Loads a server's YAML spec from `specs/`: the bundled source, the served spec and its operations.
 * Read once per path (a spec does not change while the process runs).
 */
export function loadSpec(file: string): LoadedSpec {
  let spec = loaded.get(file);
  if (!spec) {
    const source = bundle(parse(readFileSync(file, 'utf8')) as JsonObject, dirname(file));
    spec = { source, served: stripHelpers(source), operations: listOperations(source) };
    loaded.set(file, spec);
  }
  return spec;
}
