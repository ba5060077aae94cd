/**
 * The customer page's EPC QR code (domain/money/epc-qr.ts) as inline SVG: drawn from the code's
 * modules in this process, so it needs no image request, no data: URI and no CSP exception.
 */
import { create } from 'qrcode/lib/core/qrcode.js';
import { epcQrPayload, type EpcTransfer } from '../../domain/money/epc-qr.js';
import { escapeHtml } from '../../domain/shared/html.js';

const QUIET = 4;

export const paymentQrSvg = (transfer: EpcTransfer, label: string): string | undefined => {
  const built = epcQrPayload(transfer);
  if (!built.ok) return undefined;
  const { size, data } = create(built.payload, { errorCorrectionLevel: 'M' }).modules;
  let path = '';
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (data[y * size + x]) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
  const box = size + 2 * QUIET;
  return `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${box} ${box}" width="200" height="200" role="img" aria-label="${escapeHtml(label)}" shape-rendering="crispEdges"><rect width="${box}" height="${box}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
};
