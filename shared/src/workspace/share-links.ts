import mime from 'mime-types';
import type { LinkGrant, LinkSigner } from './links.js';

export interface SharedLink {
  url: string;
  markdown: string;
  name: string;
  size: number;
  expires_at: string;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\[\]()])/g, '\\$1');
}

/** Markdown that shows an image inline, or links any other file by name. */
export function markdownFor(name: string, url: string): string {
  const type = String(mime.lookup(name) || '');
  const label = escapeMarkdown(name);
  return type.startsWith('image/') ? `![${label}](${url})` : `[${label}](${url})`;
}

/** Signs a grant and turns it into the URL and markdown a model hands to the user. */
export function makeSharedLink(
  signer: LinkSigner,
  baseUrl: string,
  grant: Omit<LinkGrant, 'expires'>,
  options: { name: string; size: number; ttlMinutes: number; now?: number },
): SharedLink {
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + options.ttlMinutes * 60;
  const token = signer.sign({ ...grant, expires });
  const url = `${baseUrl}/links/${token}/${encodeURIComponent(options.name)}`;
  return { url, markdown: markdownFor(options.name, url), name: options.name, size: options.size, expires_at: new Date(expires * 1000).toISOString() };
}
