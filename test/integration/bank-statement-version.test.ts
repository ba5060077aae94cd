/**
 * The bank-statements function reads the object version its S3 event named (the bucket is
 * versioned in AWS), like ingest: a statement uploaded again under the same key before the first
 * upload's event is handled does not stand in for it. s3rver keeps no versions
 * (test/integration/ingest-object-version.test.ts shows it), so the versioned bucket is played
 * by aws-sdk-client-mock on the S3 client alone; the production handler, the S3Blobs adapter and
 * DynamoDB Local do the rest.
 */
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { localContext } from '../../local/lambda-context.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoReports } from '../../lambdas/adapters/dynamo-reports.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { Tenant } from '../../lambdas/domain/model.js';
import { makeBankStatementsHandler } from '../../lambdas/handlers/bank-statements.js';

await useLocalTable();
const T = 'bank-version-co';
const IBAN = 'IT60X0542811101000000123456';
const BUCKET = 'versioned-bank';
const KEY = 'bank/2026-03-09.camt053.xml';

const entry = (amount: string, ref: string) =>
  `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-09</Dt></BookgDt><ValDt><Dt>2026-03-09</Dt></ValDt><AcctSvcrRef>${ref}</AcctSvcrRef>` +
  `<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Nm>Rossi SpA</Nm></Dbtr></RltdPties><RmtInf><Ustrd>payment</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
const camt = (...entries: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-03-09T20:00:00</CreDtTm></GrpHdr>` +
  `<Stmt><Id>S</Id><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries.join('')}</Stmt></BkToCstmrStmt></Document>`;
const VERSIONS: Record<string, string> = { v1: camt(entry('10.00', 'BR-1')), v2: camt(entry('10.00', 'BR-1'), entry('20.00', 'BR-2'), entry('30.00', 'BR-3')) };

const client = new S3Client({ region: 'eu-south-1' });
const s3 = mockClient(client);
afterAll(() => s3.restore());
s3.on(PutObjectCommand).resolves({});
s3.on(GetObjectCommand).callsFake((input: { Key: string; VersionId?: string }) => {
  // The latest is v2; an explicit version is that version. Nothing else (no CSV mapping) exists.
  const body = input.Key === KEY ? VERSIONS[input.VersionId ?? 'v2'] : undefined;
  if (!body) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
  return { Body: Readable.from([Buffer.from(body)]), ContentLength: body.length };
});

const table = tableFromEnv();
const store = dynamoRepositories(table);
const handler = makeBankStatementsHandler({
  ...testObservability('bank-version'),
  tenantId: T,
  tenants: store.tenants,
  bankCredits: store.bankCredits,
  statementFeed: store.statementFeed,
  receivables: new DynamoReports(table),
  commands: new DynamoCommands({ start: async () => ({ executionArn: 'arn', alreadyStarted: false }), stop: async () => undefined }, table),
  tasks: store.tasks,
  documents: new S3Blobs(BUCKET, client),
  now: () => new Date('2026-03-10T09:00:00Z'),
});
const event = (versionId?: string) => ({
  Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: KEY, size: 1, ...(versionId ? { versionId } : {}) } } }],
});

describe('a bank statement uploaded twice under one key', () => {
  it("reads the version the event named: v1's event adds v1's one credit although the key now holds v2", async () => {
    await store.tenants.putTenant(Tenant.parse({ tenantId: T, name: 'Officine Rossi S.r.l.', email: 'crediti@officinerossi.example', iban: IBAN, bankAccounts: [{ iban: IBAN, currency: 'EUR' }], country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: [] }));
    const [first] = await handler(event('v1'), localContext('bank-statements'));
    expect(first).toMatchObject({ credits: 1, added: 1 });
    const asked = s3.commandCalls(GetObjectCommand).filter((c) => c.args[0].input.Key === KEY);
    expect(asked.map((c) => c.args[0].input.VersionId)).toEqual(['v1']);
    // v2's own event then reads v2: the credit already added is a duplicate, two are new.
    const [second] = await handler(event('v2'), localContext('bank-statements'));
    expect(second).toMatchObject({ credits: 3, added: 2, duplicates: 1 });
  });
});
