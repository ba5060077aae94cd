/**
 * Which invoices a FatturaPA file holds, by the name the SdI knows it by (parsers/sdi-receipts.ts
 * sdiFileStem), and the SdI's id for it once a receipt gave one: how an SdI notification finds its
 * invoices. A notification that arrives before its invoice file waits here (its object key) and is
 * read again once the file is ingested. DynamoDB adapter: adapters/dynamo-sdi-files.ts.
 */
export interface SdiFiles {
  /** Records the invoices of a file; returns the keys of notifications still waiting for it (each leaves the list once applied: doneWaiting). */
  rememberFile(tenantId: string, stem: string, invoiceIds: readonly string[]): Promise<string[]>;
  /** The invoice ids of a file; empty when no such file was ingested. */
  invoicesOfFile(tenantId: string, stem: string): Promise<string[]>;
  /** The file the SdI gave this id to, once a notification said so. */
  fileOfSdiId(tenantId: string, sdiId: string): Promise<string | undefined>;
  rememberSdiId(tenantId: string, sdiId: string, stem: string): Promise<void>;
  /** Keeps a notification whose file is not known yet, to be read again when it is. */
  keepWaiting(tenantId: string, stem: string, key: string): Promise<void>;
  /** The notification found its file: it waits no more (kept until then, so a replay that fails is tried again with the file). */
  doneWaiting(tenantId: string, stem: string, key: string): Promise<void>;
}
