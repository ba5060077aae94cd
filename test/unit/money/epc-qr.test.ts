import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { EPC_MAX_BYTES, epcQrPayload } from '../../../lambdas/domain/money/epc-qr.js';
import { QrcodeImages } from '../../../lambdas/adapters/qr-png.js';

const transfer = { beneficiary: 'Officine Rossi S.r.l.', iban: 'IT60 X054 2811 1010 0000 0123 456', bic: 'BPMOIT22XXX', currency: 'EUR', amount: 98_040, reference: 'RF36 2025 0405' };

const payloadOf = (over: Partial<typeof transfer> & { text?: string } = {}): string => {
  const out = epcQrPayload({ ...transfer, ...over });
  if (!out.ok) throw new Error(out.reason);
  return out.payload;
};

/** The rendered PNG, read back the way a banking app's camera would. */
const decode = async (payload: string): Promise<string> => {
  const png = PNG.sync.read(Buffer.from(await new QrcodeImages().png(payload)));
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!code) throw new Error('no QR code found in the image');
  return new TextDecoder().decode(new Uint8Array(code.binaryData));
};

describe('EPC069-12 QR payload', () => {
  it('lays out the SEPA credit transfer fields, the RF reference structured', () => {
    expect(payloadOf().split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      'BPMOIT22XXX',
      'Officine Rossi S.r.l.',
      'IT60X0542811101000000123456',
      'EUR980.40',
      '',
      'RF3620250405',
    ]);
  });

  it('gives any other reference (a malformed RF too) as unstructured text, never both', () => {
    const lines = payloadOf({ reference: 'RF18 2025 0405' }).split('\n');
    expect(lines.slice(8)).toEqual(['', '', 'RF18 2025 0405']);
    expect(payloadOf({ reference: 'OR-TVE-118' }).split('\n').slice(8)).toEqual(['', '', 'OR-TVE-118']);
  });

  it('leaves out a BIC that is not one (optional in version 002), and writes whole cents', () => {
    const lines = payloadOf({ bic: 'nope', amount: 100_000 }).split('\n');
    expect(lines[4]).toBe('');
    expect(lines[7]).toBe('EUR1000.00');
    expect(payloadOf({ amount: 5 }).split('\n')[7]).toBe('EUR0.05');
  });

  it('cuts the name to 70 characters and the text to fit, at most 331 bytes', () => {
    const long = payloadOf({ beneficiary: 'Ș'.repeat(100), reference: 'x'.repeat(300) });
    const lines = long.split('\n');
    expect([...lines[5]!]).toHaveLength(70);
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(EPC_MAX_BYTES);
    expect([...lines[10]!].length).toBeLessThanOrEqual(140);
  });

  it('refuses what no bank would take', () => {
    expect(epcQrPayload({ ...transfer, currency: 'GBP' })).toMatchObject({ ok: false });
    expect(epcQrPayload({ ...transfer, amount: 0 })).toMatchObject({ ok: false });
    expect(epcQrPayload({ ...transfer, amount: 100_000_000_000 })).toMatchObject({ ok: false });
    expect(epcQrPayload({ ...transfer, iban: 'IT60X0542811101000000123457' })).toMatchObject({ ok: false, reason: expect.stringMatching(/IBAN/) });
  });

  it('renders a PNG that decodes to the same payload, field by field', async () => {
    const payload = payloadOf({ beneficiary: 'Società Ăpă Țară', reference: 'RF36 2025 0405' });
    const lines = (await decode(payload)).split('\n');
    expect(lines).toEqual(payload.split('\n'));
    expect(lines[0]).toBe('BCD');
    expect(lines[2]).toBe('1');
    expect(lines[5]).toBe('Società Ăpă Țară');
    expect(lines[6]).toBe('IT60X0542811101000000123456');
    expect(lines[7]).toBe('EUR980.40');
    expect(lines[9]).toBe('RF3620250405');
  });

  it('draws the same symbol as an SVG, and the PNG with its four-module quiet zone white', async () => {
    const payload = payloadOf();
    const png = PNG.sync.read(Buffer.from(await new QrcodeImages().png(payload)));
    const svg = await new QrcodeImages().svg(payload);
    const box = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
    const dark = new Set([...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map(([, x, y]) => `${x},${y}`));
    const scale = png.width / box;
    const pngDark = new Set<string>();
    for (let y = 0; y < box; y++)
      for (let x = 0; x < box; x++) {
        const at = (Math.floor((y + 0.5) * scale) * png.width + Math.floor((x + 0.5) * scale)) * 4;
        if (png.data[at]! < 128) pngDark.add(`${x},${y}`);
      }
    expect(png.width).toBe(240);
    expect(dark.size).toBeGreaterThan(100);
    expect(pngDark).toEqual(dark);
    expect([...dark].every((xy) => xy.split(',').every((c) => Number(c) >= 4 && Number(c) < box - 4))).toBe(true);
  });
});
