/**
 * An SdI notification (RC, MC, NS, NE, DT, AT) dropped under invoices/, applied to its invoices:
 * 1. Find its file: by NomeFile, else by the IdentificativoSdI an earlier notification tied to it.
 * 2. No such file ingested yet: keep the notification waiting for it (it is read again when the
 *    file arrives: app/ingest/ingest-document.ts) and say so in the report.
 * 3. Apply it to each invoice of the file (an NE or DT naming one invoice number: to that one)
 *    through the Commands port, the rule being domain/sdi/receipts.ts.
 * 4. Remember the SdI id of the file, for the notifications that name only it, and stop waiting
 *    (a notification kept for its file leaves the list only once applied).
 */
import { CommandRejected, type CommandContext } from '../../domain/commands/decision.js';
import { sdiFileStem, type SdiReceipt } from '../../domain/parsers/sdi-receipts.js';
import type { Rejection } from '../../domain/parsers/types.js';
import { applySdiReceipt, receiptConcerns, SDI_RECEIPT_NAMES, type SdiDecision } from '../../domain/sdi/receipts.js';
import { NotFoundError, type Commands } from '../ports/commands.js';
import type { SdiFiles } from '../ports/sdi-files.js';

export interface SdiReceiptDeps {
  commands: Pick<Commands, 'onInvoice'>;
  files: SdiFiles;
}

export interface SdiReceiptRun {
  tenantId: string;
  /** The notification's own object key: kept to be read again when its invoice file arrives. */
  key: string;
  now: Date;
  timeZone: string;
}

export interface SdiReceiptOutcome {
  type: SdiReceipt['type'];
  sdiId: string;
  file: string;
  /** Invoices the notification changed, and those it had changed before. */
  applied: number;
  alreadyApplied: number;
  /** True when the invoice file is not known yet and the notification waits for it. */
  waiting: boolean;
  rejections: Rejection[];
  notices: Rejection[];
}

export const recordSdiReceipt = async (deps: SdiReceiptDeps, receipt: SdiReceipt, run: SdiReceiptRun): Promise<SdiReceiptOutcome> => {
  const out: SdiReceiptOutcome = { type: receipt.type, sdiId: receipt.sdiId, file: receipt.fileName, applied: 0, alreadyApplied: 0, waiting: false, rejections: [], notices: [] };
  const at = { element: receipt.root };

  // 1. Its file
  let stem = sdiFileStem(receipt.fileName);
  let ids = await deps.files.invoicesOfFile(run.tenantId, stem);
  if (ids.length === 0) {
    const bySdiId = await deps.files.fileOfSdiId(run.tenantId, receipt.sdiId);
    if (bySdiId && bySdiId !== stem) {
      stem = bySdiId;
      ids = await deps.files.invoicesOfFile(run.tenantId, stem);
    }
  }

  // 2. Not known yet: it waits
  if (ids.length === 0) {
    await deps.files.keepWaiting(run.tenantId, sdiFileStem(receipt.fileName), run.key);
    out.waiting = true;
    out.notices.push({
      ...at,
      field: 'NomeFile',
      value: receipt.fileName,
      reason: `no invoice file ${receipt.fileName} (IdentificativoSdI ${receipt.sdiId}) has been ingested yet: this ${SDI_RECEIPT_NAMES[receipt.type]} is kept and applied when that file is uploaded under invoices/ with its SdI name`,
    });
    return out;
  }

  // 3. Each invoice of the file
  const ctx: CommandContext = { actor: 'sdi', channel: 'system', now: run.now, timeZone: run.timeZone };
  for (const invoiceId of ids) {
    let decision: SdiDecision | undefined;
    try {
      await deps.commands.onInvoice(run.tenantId, invoiceId, (inv) => {
        decision = receiptConcerns(inv, receipt) ? applySdiReceipt(inv, receipt, ctx) : { invoice: inv, events: [], alreadyApplied: false };
        return decision;
      });
    } catch (err) {
      if (err instanceof NotFoundError) continue;
      if (err instanceof CommandRejected) {
        out.rejections.push({ ...at, field: 'IdentificativoSdI', value: receipt.sdiId, reason: err.message });
        continue;
      }
      throw err;
    }
    if (!decision || decision.events.length === 0) {
      if (decision?.alreadyApplied) out.alreadyApplied++;
      continue;
    }
    out.applied++;
  }
  if (out.applied === 0 && out.alreadyApplied === 0 && receipt.invoiceNumber) {
    out.rejections.push({ ...at, field: 'NumeroFattura', value: receipt.invoiceNumber, reason: `file ${receipt.fileName} holds no invoice numbered ${receipt.invoiceNumber}` });
  }

  // 4. Its SdI id
  await deps.files.rememberSdiId(run.tenantId, receipt.sdiId, stem);
  await deps.files.doneWaiting(run.tenantId, sdiFileStem(receipt.fileName), run.key);
  return out;
};
