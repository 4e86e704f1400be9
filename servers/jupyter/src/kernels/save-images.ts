import { makeSharedLink, type LinkSigner, type SharedLink, type Workspace } from '@toolpack/shared';
import type { ImageOutput } from './format-result.js';

const EXT = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' } as const;

export interface SavedImage extends SharedLink {
  path: string;
  mime: string;
}

/**
 * Saves a run's images in the user's workspace under outputs/ and returns a signed link and a
 * markdown image line for each, which the model can put in its answer for the user to see.
 */
export async function saveImages(
  images: readonly ImageOutput[],
  target: { workspace: Workspace; key: string; signer: LinkSigner; baseUrl: string; ttlMinutes: number },
): Promise<SavedImage[]> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const saved: SavedImage[] = [];
  for (const [i, image] of images.entries()) {
    const name = `figure-${stamp}-${Math.random().toString(36).slice(2, 6)}-${i + 1}.${EXT[image.mime]}`;
    const parts = ['outputs', name];
    await target.workspace.writeFile(parts, image.data, { overwrite: false });
    const path = target.workspace.rel(parts);
    const link = makeSharedLink(target.signer, target.baseUrl, { workspace: target.key, paths: [path], kind: 'file' }, {
      name,
      size: image.data.length,
      ttlMinutes: target.ttlMinutes,
    });
    saved.push({ ...link, path, mime: image.mime });
  }
  return saved;
}
