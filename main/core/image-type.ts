export type ImageExtension = 'png' | 'jpg' | 'webp';

export const imageContentTypes: Record<ImageExtension, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** Bytes needed to recognise every type we accept. */
export const signatureLength = 12;

/** Tells the image type from its first bytes; the URL's extension is no proof. */
export function imageTypeOf(head: Uint8Array): ImageExtension | null {
  const startsWith = (bytes: number[], offset = 0) => bytes.every((byte, index) => head[offset + index] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'jpg';
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}
