/**
 * The customers' scripted behaviour in `npm run demo`: what each one does, and when (local time,
 * Europe/Rome). Everything else is the product reacting on its own.
 */
export type ScriptedAction =
  | { kind: 'payment'; full: true }
  | { kind: 'promise'; promiseDate: string; by: string }
  | { kind: 'dispute'; reason: 'goods' | 'service' | 'amount' | 'invoice_details' | 'other'; text: string };

export interface ScriptStep {
  at: string;
  customerId: string;
  number: string;
  action: ScriptedAction;
  story: string;
}

export const DEMO_SCRIPT: ScriptStep[] = [
  { at: '2026-01-19T11:00', customerId: 'C-BIANCHI', number: '2025/0412', action: { kind: 'payment', full: true }, story: 'pays the day before the due date' },
  { at: '2026-02-09T10:00', customerId: 'C-BIANCHI', number: '2026/0007', action: { kind: 'payment', full: true }, story: 'pays before the due date' },
  { at: '2026-01-21T15:30', customerId: 'C-VERDI', number: '2025/0398', action: { kind: 'promise', promiseDate: '2026-01-30', by: 'Paolo Verdi' }, story: 'promises to pay on 30 January' },
  { at: '2026-01-30T12:00', customerId: 'C-VERDI', number: '2025/0398', action: { kind: 'payment', full: true }, story: 'keeps the promise' },
  { at: '2026-01-26T16:00', customerId: 'C-ESPOSITO', number: '2025/0405', action: { kind: 'promise', promiseDate: '2026-02-02', by: 'Anna Esposito' }, story: 'promises to pay on 2 February, then does not' },
  { at: '2026-01-23T10:00', customerId: 'C-TRANSILVANIA', number: '2025/0420', action: { kind: 'dispute', reason: 'goods', text: 'Two pallets arrived damaged (DDT 1187).' }, story: 'disputes the goods' },
  { at: '2026-02-13T09:30', customerId: 'C-TRANSILVANIA', number: '2026/0003', action: { kind: 'payment', full: true }, story: 'pays after the first overdue reminder' },
  { at: '2026-02-12T14:00', customerId: 'C-THAMES', number: 'TVE-2025-118', action: { kind: 'payment', full: true }, story: 'key account, pays after the first overdue reminder' },
  { at: '2026-02-26T10:00', customerId: 'C-THAMES', number: 'TVE-2026-004', action: { kind: 'payment', full: true }, story: 'pays on time' },
  ...['01', '02', '03', '04', '05', '06', '07', '08'].map(
    (n): ScriptStep => ({ at: '2026-02-20T11:00', customerId: 'C-BRIGHTON', number: `BHG-2026-${n}`, action: { kind: 'payment', full: true }, story: 'pays the whole batch after the second reminder' }),
  ),
];
