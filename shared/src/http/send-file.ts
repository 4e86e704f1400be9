import { pipeline } from 'node:stream/promises';
import contentDisposition from 'content-disposition';
import mime from 'mime-types';
import rangeParser from 'range-parser';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import type { OpenedFile } from '../workspace/workspace.js';

export type Disposition = 'inline' | 'attachment';

/** Types a browser may show in place; everything else is offered as a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml)|application\/pdf|text\/plain|text\/csv|application\/json|audio\/.*|video\/.*)$/;

export function contentTypeOf(name: string): string {
  const type = mime.lookup(name) || 'application/octet-stream';
  return type.startsWith('text/') || type === 'application/json' ? `${type}; charset=utf-8` : type;
}

/** RFC 6266 Content-Disposition for any file name (quoted ASCII fallback plus filename*). */
export function dispositionHeader(name: string, disposition: Disposition): string {
  // An ASCII fallback name plus filename* (UTF-8) works in every browser, whatever the name holds.
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return contentDisposition(name, { type: disposition, fallback: ascii === name ? true : ascii });
}

/** The disposition to use for a file when the caller did not insist. */
export function defaultDisposition(name: string): Disposition {
  return INLINE.test((mime.lookup(name) || '').toString()) ? 'inline' : 'attachment';
}

/**
 * Headers that keep a downloaded file from acting as a page of this server: no sniffing, and a
 * sandbox so an HTML or SVG file cannot run scripts with this origin.
 */
export function setDownloadSafetyHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'");
  res.setHeader('Cache-Control', 'private, no-store');
}

/**
 * Streams an opened file, honouring a single `Range` (206, or 416 when unsatisfiable) and HEAD.
 * Closes the file when done, failed or aborted.
 */
export async function sendFile(req: Request, res: Response, file: OpenedFile, disposition?: Disposition): Promise<void> {
  try {
    const size = file.stat.size;
    setDownloadSafetyHeaders(res);
    res.setHeader('Content-Type', contentTypeOf(file.name));
    res.setHeader('Content-Disposition', dispositionHeader(file.name, disposition ?? defaultDisposition(file.name)));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Last-Modified', file.stat.mtime.toUTCString());
    let start = 0;
    let end = size - 1;
    const range = req.headers.range ? rangeParser(size, req.headers.range, { combine: true }) : undefined;
    if (range === -1) {
      res.status(416).setHeader('Content-Range', `bytes */${size}`);
      res.end();
      return;
    }
    // A malformed header (-2) or several ranges: send the whole file, which the RFC allows.
    if (Array.isArray(range) && range.length === 1 && range.type === 'bytes') {
      start = range[0]!.start;
      end = range[0]!.end;
      res.status(206).setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
    }
    res.setHeader('Content-Length', String(size === 0 ? 0 : end - start + 1));
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    const stream: Readable = file.handle.createReadStream({ start, end, autoClose: false, highWaterMark: 1024 * 1024 });
    await pipeline(stream, res).catch(() => res.destroy());
  } finally {
    await file.handle.close().catch(() => undefined);
  }
}
