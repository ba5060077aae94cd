/** Draws a QR code (adapters/qr-png.ts): the payload is built in the domain (money/epc-qr.ts). */
export interface QrImages {
  /** A PNG, for an e-mail's inline image. */
  png(payload: string): Promise<Uint8Array>;
  /** An SVG document, for a web page. */
  svg(payload: string): Promise<string>;
}
