/** Where an escalated invoice's collection dossier is filed in the documents bucket. */
export const dossierKey = (tenantId: string, invoiceId: string): string => `dossiers/${tenantId}/${invoiceId}.zip`;
