/**
 * Factur-X / ZUGFeRD PDFs built in the tests with the library the reader uses (@cantoo/pdf-lib): a
 * page and embedded files, as a PDF/A-3 invoice carries its XML. No PDF is copied from elsewhere.
 */
import { AFRelationship, PDFDocument, StandardFonts } from '@cantoo/pdf-lib';

export const facturXPdf = async (files: { name: string; xml: string | Uint8Array; relationship?: AFRelationship }[]): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Rechnung RE-2026-0042', { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  for (const f of files) {
    await doc.attach(typeof f.xml === 'string' ? new TextEncoder().encode(f.xml) : f.xml, f.name, {
      mimeType: 'text/xml',
      description: 'Factur-X invoice',
      afRelationship: f.relationship ?? AFRelationship.Alternative,
      creationDate: new Date('2026-03-11T00:00:00Z'),
      modificationDate: new Date('2026-03-11T00:00:00Z'),
    });
  }
  return doc.save();
};

