/**
 * QrImages on the `qrcode` package (pure JS: PNG buffers in Node without canvas). Level M, as
 * EPC069-12 recommends, with the four-module quiet zone the standard asks for.
 */
import QRCode from 'qrcode';
import type { QrImages } from '../app/ports/qr.js';

const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export class QrcodeImages implements QrImages {
  async png(payload: string): Promise<Uint8Array> {
    return new Uint8Array(await QRCode.toBuffer(payload, { ...OPTIONS, type: 'png', width: 240 }));
  }

  svg(payload: string): Promise<string> {
    return QRCode.toString(payload, { ...OPTIONS, type: 'svg' });
  }
}
