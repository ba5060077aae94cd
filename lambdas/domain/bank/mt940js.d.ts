/** The part of mt940js 1.3 (untyped CommonJS) the MT940 reader uses; see node_modules/mt940js/README.md. */
declare module 'mt940js' {
  export interface Mt940Tag {
    /** 20, 25, 28, 60, 61, 62, 64, 65, 86, 'NS', 'MB'. */
    id: number | string;
    /** The tag's text as in the file, continuation lines joined with "\n". */
    data: string;
  }

  export interface Mt940Transaction {
    date: Date;
    entryDate: Date | '';
    fundsCode: string;
    /** A float rounded to 2 decimals: the reader re-reads the exact digits from the tag. */
    amount: number;
    isReversal: boolean;
    currency: string;
    details: string;
    transactionType: string;
    reference: string;
    bankReference: string;
    extraDetails: string;
    structuredDetails?: Record<string, string>;
    nonSwift?: string;
  }

  export interface Mt940Statement {
    transactionReference: string;
    relatedReference: string;
    accountIdentification: string;
    number: { statement: string; sequence: string; section: string };
    openingBalanceDate: Date;
    closingBalanceDate: Date;
    currency: string;
    openingBalance: number;
    closingBalance: number;
    informationToAccountOwner?: string;
    transactions: Mt940Transaction[];
    /** Present when parse() is called with withTags = true. */
    tags?: Mt940Tag[];
  }

  export class Parser {
    constructor(options?: { no86Structure?: boolean });
    parse(data: string, withTags?: boolean): Mt940Statement[];
  }

  const mt940js: { Parser: typeof Parser };
  export default mt940js;
}
