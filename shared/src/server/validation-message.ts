/** The part of an ajv error that a message needs. */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: unknown;
  message?: string;
}

const PLACES: Record<string, string> = {
  query: 'query parameter',
  path: 'path parameter',
  requestBody: 'body field',
  header: 'header',
};

/** One short sentence per validation error, naming the field, so a model can fix its call. */
export function describeValidationErrors(errors: readonly ValidationIssue[]): string {
  const lines = new Set<string>();
  for (const err of errors.slice(0, 5)) {
    const parts = err.instancePath.split('/').filter(Boolean).map(decodePointer);
    const [where = '', ...rest] = parts;
    const place = PLACES[where] ?? 'field';
    if (err.keyword === 'required') {
      const missing = String((err.params as { missingProperty?: string }).missingProperty ?? '');
      if (where === 'requestBody' || (where === '' && missing === 'requestBody')) {
        lines.add(missing === 'requestBody' ? 'a JSON body is required' : `body field '${[...rest, missing].join('.')}' is required`);
      } else {
        lines.add(`${place} '${[...rest, missing].join('.')}' is required`);
      }
    } else if (err.keyword === 'parse') {
      lines.add(`the body is not valid JSON (${err.message ?? 'parse error'})`);
    } else {
      const name = rest.length ? `${place} '${rest.join('.')}'` : where === 'requestBody' ? 'the body' : place;
      const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues;
      lines.add(`${name} ${err.message ?? 'is invalid'}${allowed ? `: ${allowed.join(', ')}` : ''}`);
    }
  }
  return `Invalid request: ${[...lines].join('; ')}.`;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
