/**
 * The words of the what-if page in the finance team's language (what-if-page.ts). Typed: every
 * language has every entry the English one has. Stage names come from the ageing report's words
 * (templates/report/<lang>.json), so a stage is called the same in both. Pure.
 */
import type { Language } from '../model.js';

export interface WhatIfWords {
  locale: string;
  title: (a: string, b: string, company: string) => string;
  heading: (company: string, a: string, b: string) => string;
  intro: (scope: string, generatedAt: string) => string;
  scopeOpen: (asOf: string) => string;
  scopePeriod: (from: string, to: string) => string;
  defaults: string;
  sideBySide: string;
  sideBySideCaption: string;
  charts: string;
  perCustomer: string;
  perCustomerCaption: string;
  model: string;
  modelCaption: string;
  limits: string;
  figure: string;
  month: string;
  stage: string;
  paysAfter: string;
  delay: string;
  source: string;
  days: (n: number | string) => string;
  daysShort: (n: number | string) => string;
  channel: Record<'email' | 'sms' | 'call', string>;
  messagesChart: string;
  recoveryChart: (currency: string) => string;
  milestoneChart: string;
  recovered: string;
  medianDaysLate: string;
  creditHold: string;
  handOff: string;
  rows: {
    invoices: string;
    leftOut: string;
    emails: string;
    sms: string;
    calls: string;
    overLimit: (limit: number) => string;
    smsCost: (price: string) => string;
    holdDays: string;
    holdReaching: string;
    handOffDays: string;
    handOffReaching: string;
    ofPlanned: (expected: string, planned: number) => string;
    recoveredWithin: (days: number, currency: string) => string;
    dso: (currency: string) => string;
  };
  note: (source: 'fitted' | 'default', reached: number, needed: number) => string;
}

const en: WhatIfWords = {
  locale: 'en-GB',
  title: (a, b, company) => `What-if: ${a} vs ${b}, ${company}`,
  heading: (company, a, b) => `What-if for ${company}: ${a} vs ${b}`,
  intro: (scope, at) => `Replayed: ${scope}. Expected values from the response model, generated ${at}.`,
  scopeOpen: (asOf) => `the open portfolio as of ${asOf}, replayed from today`,
  scopePeriod: (from, to) => `the invoices issued from ${from} to ${to}, each replayed from its issue date`,
  defaults:
    "Some stages are priced with the default response curve: the company's history is too thin there (fewer invoices reached them than the fit needs). See the response model below.",
  sideBySide: 'Side by side',
  sideBySideCaption: 'The two playbooks on the same invoices',
  charts: 'Charts',
  perCustomer: 'Messages per customer per month',
  perCustomerCaption: 'Expected messages per contacted customer, by month and channel',
  model: 'Response model',
  modelCaption: 'Chance an invoice still open pays after each stage, and the delay',
  limits:
    'Limits: expected values (no sampling); customers are assumed to answer the new playbook as they answered the old one (tone is not modelled); invoices of one customer are treated as independent; the weekly caps are not applied, only one message per customer per day. docs/what-if.md explains the model.',
  figure: 'Figure',
  month: 'Month',
  stage: 'Stage',
  paysAfter: 'Pays after it',
  delay: 'Delay',
  source: 'Source',
  days: (n) => `${n} days`,
  daysShort: (n) => `${n} d`,
  channel: { email: 'e-mail', sms: 'SMS', call: 'call' },
  messagesChart: 'Expected messages per month, by channel (one per customer-day)',
  recoveryChart: (c) => `Expected share recovered within 30, 60 and 90 days (${c})`,
  milestoneChart: 'Median days after the due date to the credit hold and the hand-off',
  recovered: 'recovered',
  medianDaysLate: 'median days late',
  creditHold: 'Credit hold',
  handOff: 'Hand-off',
  rows: {
    invoices: 'Invoices replayed',
    leftOut: 'Left out (a promise, a dispute, a pause)',
    emails: 'E-mails (customer-days)',
    sms: 'SMS (customer-days)',
    calls: 'Calls (customer-days)',
    overLimit: (n) => `Customers contacted more than ${n} times in a month`,
    smsCost: (p) => `SMS cost (${p} each)`,
    holdDays: 'Credit hold: median days late',
    holdReaching: 'Credit hold: invoices expected to reach it',
    handOffDays: 'Hand-off: median days late',
    handOffReaching: 'Hand-off: invoices expected to reach it',
    ofPlanned: (e, p) => `${e} of ${p} planned`,
    recoveredWithin: (d, c) => `Recovered within ${d} days (${c})`,
    dso: (c) => `DSO, expected days (${c})`,
  },
  note: (source, n, needed) =>
    source === 'fitted' ? `fitted from ${n} invoices` : `default (${n === 0 ? 'no invoice reached it' : `only ${n} invoice${n === 1 ? '' : 's'} reached it`}; ${needed} needed)`,
};

const it: WhatIfWords = {
  locale: 'it-IT',
  title: (a, b, company) => `What-if: ${a} contro ${b}, ${company}`,
  heading: (company, a, b) => `What-if per ${company}: ${a} contro ${b}`,
  intro: (scope, at) => `Ripercorse: ${scope}. Valori attesi dal modello di risposta, calcolati il ${at}.`,
  scopeOpen: (asOf) => `le fatture aperte al ${asOf}, ripercorse da oggi`,
  scopePeriod: (from, to) => `le fatture emesse dal ${from} al ${to}, ciascuna dalla sua data di emissione`,
  defaults:
    "Alcune fasi usano la curva di risposta predefinita: lo storico dell'azienda è troppo scarso lì (meno fatture le hanno raggiunte di quante ne servono alla stima). Si veda il modello di risposta più sotto.",
  sideBySide: 'Fianco a fianco',
  sideBySideCaption: 'Le due politiche sulle stesse fatture',
  charts: 'Grafici',
  perCustomer: 'Messaggi per cliente al mese',
  perCustomerCaption: 'Messaggi attesi per cliente contattato, per mese e canale',
  model: 'Modello di risposta',
  modelCaption: 'Probabilità che una fattura ancora aperta venga pagata dopo ogni fase, e il ritardo',
  limits:
    "Limiti: valori attesi (nessun campionamento); si assume che i clienti rispondano alla nuova politica come hanno risposto alla vecchia (il tono non è modellato); le fatture di uno stesso cliente sono trattate come indipendenti; i limiti settimanali non sono applicati, solo un messaggio per cliente al giorno. docs/what-if.md spiega il modello.",
  figure: 'Dato',
  month: 'Mese',
  stage: 'Fase',
  paysAfter: 'Paga dopo',
  delay: 'Ritardo',
  source: 'Origine',
  days: (n) => `${n} giorni`,
  daysShort: (n) => `${n} g`,
  channel: { email: 'e-mail', sms: 'SMS', call: 'telefonata' },
  messagesChart: 'Messaggi attesi al mese, per canale (uno per giorno-cliente)',
  recoveryChart: (c) => `Quota attesa incassata entro 30, 60 e 90 giorni (${c})`,
  milestoneChart: 'Giorni dalla scadenza (mediana) al blocco del fido e all’affidamento',
  recovered: 'incassato',
  medianDaysLate: 'giorni di ritardo (mediana)',
  creditHold: 'Blocco del fido',
  handOff: 'Affidamento',
  rows: {
    invoices: 'Fatture ripercorse',
    leftOut: 'Escluse (una promessa, una contestazione, una pausa)',
    emails: 'E-mail (giorni-cliente)',
    sms: 'SMS (giorni-cliente)',
    calls: 'Telefonate (giorni-cliente)',
    overLimit: (n) => `Clienti contattati più di ${n} volte in un mese`,
    smsCost: (p) => `Costo degli SMS (${p} l’uno)`,
    holdDays: 'Blocco del fido: giorni di ritardo (mediana)',
    holdReaching: 'Blocco del fido: fatture attese',
    handOffDays: 'Affidamento: giorni di ritardo (mediana)',
    handOffReaching: 'Affidamento: fatture attese',
    ofPlanned: (e, p) => `${e} su ${p} previste`,
    recoveredWithin: (d, c) => `Incassato entro ${d} giorni (${c})`,
    dso: (c) => `DSO, giorni attesi (${c})`,
  },
  note: (source, n, needed) =>
    source === 'fitted'
      ? `stimata su ${n} fatture`
      : `predefinita (${n === 0 ? 'nessuna fattura l’ha raggiunta' : n === 1 ? 'solo 1 fattura l’ha raggiunta' : `solo ${n} fatture l’hanno raggiunta`}; ne servono ${needed})`,
};

const ro: WhatIfWords = {
  locale: 'ro-RO',
  title: (a, b, company) => `What-if: ${a} față de ${b}, ${company}`,
  heading: (company, a, b) => `What-if pentru ${company}: ${a} față de ${b}`,
  intro: (scope, at) => `Reluate: ${scope}. Valori așteptate din modelul de răspuns, calculate la ${at}.`,
  scopeOpen: (asOf) => `facturile deschise la ${asOf}, reluate de azi`,
  scopePeriod: (from, to) => `facturile emise între ${from} și ${to}, fiecare de la data emiterii`,
  defaults:
    'Unele etape folosesc curba de răspuns implicită: istoricul companiei este prea redus acolo (mai puține facturi le-au atins decât are nevoie estimarea). Vedeți modelul de răspuns mai jos.',
  sideBySide: 'Una lângă alta',
  sideBySideCaption: 'Cele două politici pe aceleași facturi',
  charts: 'Grafice',
  perCustomer: 'Mesaje per client pe lună',
  perCustomerCaption: 'Mesaje așteptate per client contactat, pe lună și canal',
  model: 'Modelul de răspuns',
  modelCaption: 'Șansa ca o factură încă deschisă să fie plătită după fiecare etapă, și întârzierea',
  limits:
    'Limite: valori așteptate (fără eșantionare); se presupune că clienții răspund noii politici cum au răspuns celei vechi (tonul nu este modelat); facturile unui client sunt tratate ca independente; limitele săptămânale nu se aplică, doar un mesaj per client pe zi. docs/what-if.md explică modelul.',
  figure: 'Indicator',
  month: 'Luna',
  stage: 'Etapa',
  paysAfter: 'Plătește după',
  delay: 'Întârziere',
  source: 'Sursa',
  days: (n) => `${n} zile`,
  daysShort: (n) => `${n} z`,
  channel: { email: 'e-mail', sms: 'SMS', call: 'apel' },
  messagesChart: 'Mesaje așteptate pe lună, pe canal (unul per zi-client)',
  recoveryChart: (c) => `Cota așteptată încasată în 30, 60 și 90 de zile (${c})`,
  milestoneChart: 'Zile de la scadență (mediană) până la blocarea creditului și predare',
  recovered: 'încasat',
  medianDaysLate: 'zile de întârziere (mediană)',
  creditHold: 'Blocarea creditului',
  handOff: 'Predare',
  rows: {
    invoices: 'Facturi reluate',
    leftOut: 'Excluse (o promisiune, o dispută, o pauză)',
    emails: 'E-mailuri (zile-client)',
    sms: 'SMS (zile-client)',
    calls: 'Apeluri (zile-client)',
    overLimit: (n) => `Clienți contactați de peste ${n} ori într-o lună`,
    smsCost: (p) => `Costul SMS-urilor (${p} bucata)`,
    holdDays: 'Blocarea creditului: zile de întârziere (mediană)',
    holdReaching: 'Blocarea creditului: facturi așteptate',
    handOffDays: 'Predare: zile de întârziere (mediană)',
    handOffReaching: 'Predare: facturi așteptate',
    ofPlanned: (e, p) => `${e} din ${p} planificate`,
    recoveredWithin: (d, c) => `Încasat în ${d} zile (${c})`,
    dso: (c) => `DSO, zile așteptate (${c})`,
  },
  note: (source, n, needed) =>
    source === 'fitted' ? `estimată din ${n} facturi` : `implicită (${n === 0 ? 'nicio factură nu a atins-o' : `doar ${n} ${n === 1 ? 'factură a atins-o' : 'facturi au atins-o'}`}; sunt necesare ${needed})`,
};

const WORDS: Record<Language, WhatIfWords> = { en, it, ro };

export const whatIfWords = (language: Language | string): WhatIfWords => WORDS[language as Language] ?? en;
