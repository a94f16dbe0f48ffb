import { crc32 } from 'node:zlib';

/**
 * A PNG's tEXt chunks (keyword and text, Latin-1): docs/report.png carries
 * the SHA-256 of the report.html it shows, so a test can tell when it no
 * longer shows the report the code makes today.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG with a tEXt chunk added right after IHDR (any chunk of the same keyword removed). */
export function withPngText(png: Buffer, keyword: string, text: string): Buffer {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const type = Buffer.from('tEXt', 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  const chunk = Buffer.concat([length, type, data, crc]);
  const parts: Buffer[] = [SIGNATURE];
  for (const c of chunks(png)) {
    if (c.type === 'tEXt' && pngTextOf(c.data)[0] === keyword) continue;
    parts.push(c.raw);
    if (c.type === 'IHDR') parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** The text of the PNG's tEXt chunk with this keyword, or null. */
export function pngText(png: Buffer, keyword: string): string | null {
  for (const c of chunks(png)) {
    if (c.type !== 'tEXt') continue;
    const [k, text] = pngTextOf(c.data);
    if (k === keyword) return text;
  }
  return null;
}

function pngTextOf(data: Buffer): [string, string] {
  const nul = data.indexOf(0);
  return [data.subarray(0, nul).toString('latin1'), data.subarray(nul + 1).toString('latin1')];
}

function* chunks(png: Buffer): Generator<{ type: string; data: Buffer; raw: Buffer }> {
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    yield { type, data: png.subarray(at + 8, at + 8 + length), raw: png.subarray(at, at + 12 + length) };
    at += 12 + length;
  }
}
