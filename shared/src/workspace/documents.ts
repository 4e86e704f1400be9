import { extname } from 'node:path';
import { parseOffice } from 'officeparser';
import { ToolError } from '../errors.js';
import type { OpenedFile } from './workspace.js';

/** Office and PDF formats whose text can be read (by officeparser). */
const DOCUMENT_TYPES = new Set(['.pdf', '.docx', '.xlsx', '.pptx', '.odt', '.ods', '.odp', '.rtf']);
const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export function isDocument(name: string): boolean {
  return DOCUMENT_TYPES.has(extname(name).toLowerCase());
}

/**
 * The text of a PDF, Word, Excel, PowerPoint or OpenDocument file, read through its open
 * descriptor. Throws PAYLOAD_TOO_LARGE for huge files and UNSUPPORTED_MEDIA_TYPE for damaged ones.
 */
export async function documentText(file: OpenedFile): Promise<string> {
  if (file.stat.size > MAX_DOCUMENT_BYTES) {
    throw new ToolError('PAYLOAD_TOO_LARGE', `${file.rel} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; extract its text with a command instead.`);
  }
  const bytes = await file.handle.readFile();
  try {
    const ast = await parseOffice(bytes, { outputErrorToConsole: false, ocr: false, extractAttachments: false });
    return ast.toText();
  } catch {
    throw new ToolError('UNSUPPORTED_MEDIA_TYPE', `The text of ${file.rel} could not be extracted (the file may be damaged or encrypted).`);
  }
}
