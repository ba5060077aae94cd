/**
 * What the contacts form changes on a customer, as the body of PATCH /v1/customers/{id}: only the
 * fields that differ from the record (an untouched form sends nothing), an emptied field as null
 * (the API removes it), a person emptied whole as null. A phone is sent without the spaces people
 * type ("+39 347 123 4567" is +393471234567); what the API still refuses comes back as its 400,
 * field by field, shown beside the form.
 */
// The generated types, not api.ts: this file is pure (test/unit/console-contact-changes.test.ts runs it without a DOM).
import type { components } from '../api/schema.js';

type Customer = components['schemas']['Customer'];
type Patch = components['schemas']['CustomerPatchRequest'];
type Person = { name: string; role?: string; email?: string; phone?: string };

const phoneOf = (v: string | undefined): string | undefined => v?.replace(/[\s().-]/g, '');

const personOf = (fields: Record<string, string | undefined>, name: string | undefined): Person | null => {
  const rest = Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
  if (name === undefined && Object.keys(rest).length === 0) return null;
  return { name: name ?? '', ...rest };
};

const samePerson = (a: Person | null, b: Customer['billingContact'] | undefined): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ? { name: b.name, ...(b.role ? { role: b.role } : {}), ...(b.email ? { email: b.email } : {}), ...(b.phone ? { phone: b.phone } : {}) } : null);

/** `field(name)`: the form's trimmed value, undefined when empty. */
export const contactChanges = (c: Customer, field: (name: string) => string | undefined): Patch => {
  const out: Patch = {};
  const email = field('email');
  if ((email ?? null) !== (c.email ?? null)) out.email = email ?? null;
  const phone = phoneOf(field('phone'));
  if ((phone ?? null) !== (c.phone ?? null)) out.phone = phone ?? null;
  const billing = personOf({ role: field('billingRole'), email: field('billingEmail'), phone: phoneOf(field('billingPhone')) }, field('billingName'));
  if (!samePerson(billing, c.billingContact)) out.billingContact = billing;
  const rep = personOf({ email: field('repEmail') }, field('repName'));
  if (!samePerson(rep, c.salesRep)) out.salesRep = rep;
  const language = field('language');
  if (language && language !== c.language) out.language = language as NonNullable<Patch['language']>;
  return out;
};
