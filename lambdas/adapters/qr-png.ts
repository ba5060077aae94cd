/**
 * QrImages on the `qrcode` package's encoder, drawn here: a PNG written with node:zlib, an SVG
 * path. Level M, as EPC069-12 recommends, with the four-module quiet zone the standard asks for.
 * Only the encoder (the package's core, the symbol's modules) is imported: the package's own
 * renderers bring pngjs and its SVG, terminal and UTF-8 writers, CommonJS that esbuild cannot
 * leave out, 38 KB of every message sender's bundle (issue 19: each under 700 KB).
 */
import { crc32, deflateSync } from 'node:zlib';
import { create } from 'qrcode/lib/core/qrcode.js';
import type { QrImages } from '../app/ports/qr.js';

const QUIET_ZONE = 4;
const PNG_WIDTH = 240;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Modules {
  size: number;
  /** Row by row, 1 for a dark module. */
  data: Uint8Array;
}

const modulesOf = (payload: string): Modules => create(payload, { errorCorrectionLevel: 'M' }).modules;

const chunk = (type: string, data: Buffer): Buffer => {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(typed.length + 8);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed) >>> 0, typed.length + 4);
  return out;
};

/** An 8-bit greyscale PNG `width` pixels a side: the symbol and its quiet zone, each module a block of pixels. */
const pngOf = ({ size, data }: Modules, width: number): Buffer => {
  const scale = width / (size + 2 * QUIET_ZONE);
  const row = width + 1; // a filter byte (0: none), then the pixels
  const raw = Buffer.alloc(row * width, 0xff);
  for (let py = 0; py < width; py++) {
    raw[py * row] = 0;
    const y = Math.floor(py / scale) - QUIET_ZONE;
    if (y < 0 || y >= size) continue;
    for (let px = 0; px < width; px++) {
      const x = Math.floor(px / scale) - QUIET_ZONE;
      if (x >= 0 && x < size && data[y * size + x]) raw[py * row + 1 + px] = 0;
    }
  }
  const header = Buffer.alloc(13); // compression, filter and interlace methods 0
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header[8] = 8; // bits per sample
  header[9] = 0; // greyscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
};

export class QrcodeImages implements QrImages {
  async png(payload: string): Promise<Uint8Array> {
    return new Uint8Array(pngOf(modulesOf(payload), PNG_WIDTH));
  }

  async svg(payload: string): Promise<string> {
    const { size, data } = modulesOf(payload);
    let path = '';
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (data[y * size + x]) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    const box = size + 2 * QUIET_ZONE;
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${box} ${box}" shape-rendering="crispEdges"><rect width="${box}" height="${box}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
  }
}
