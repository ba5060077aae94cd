/**
 * IAM's word on DynamoDB, enforced in the local stack: every request a handler makes while the
 * stack runs it is checked against what its function's role allows on AWS (the table part of
 * infra/constructs/handler-access.ts: the actions of `grantReadData`/`grantReadWriteData`, or the
 * tenant-scoped lists with their dynamodb:LeadingKeys condition), and refused as AWS refuses it
 * (AccessDeniedException), so a handler that would be denied on AWS fails here too. A transaction
 * needs the action of each of its items, as on AWS. Requests made outside a handler (seeding, the
 * tests' own reads) are not checked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accessOf, tableActionsOf } from '../../infra/constructs/handler-access.js';

const running = new AsyncLocalStorage<string>();

/** Runs `work` as the function `name`: its DynamoDB requests are checked against that function's role. */
export const asFunction = <T>(name: string, work: () => T): T => running.run(name, work);

type Attr = { S?: string };
type Keyed = { Key?: { pk?: Attr }; Item?: { pk?: Attr } };
interface RequestBody extends Keyed {
  RequestItems?: Record<string, { Keys?: { pk?: Attr }[] } | { PutRequest?: Keyed; DeleteRequest?: Keyed }[]>;
  TransactItems?: Record<string, Keyed>[];
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, Attr>;
}

const TRANSACT_ACTION: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

/** The IAM actions a request needs: its own, or for a transaction, its items'. */
export const actionsNeeded = (operation: string, body: RequestBody): string[] =>
  operation === 'TransactWriteItems' || operation === 'TransactGetItems'
    ? [...new Set((body.TransactItems ?? []).flatMap((t) => Object.keys(t).map((k) => TRANSACT_ACTION[k] ?? k)))]
    : [operation];

/** The partition keys a request touches, as dynamodb:LeadingKeys sees them. */
export const leadingKeys = (body: RequestBody): string[] => {
  const pk = (k: Keyed | undefined) => k?.Key?.pk?.S ?? k?.Item?.pk?.S;
  const out: (string | undefined)[] = [pk(body)];
  for (const r of Object.values(body.RequestItems ?? {})) {
    if (Array.isArray(r)) out.push(...r.map((w) => pk(w.PutRequest) ?? pk(w.DeleteRequest)));
    else out.push(...(r.Keys ?? []).map((k) => k.pk?.S));
  }
  for (const t of body.TransactItems ?? []) out.push(...Object.values(t).map(pk));
  // A Query: the value its key condition gives the partition key (of the table or of an index).
  const placeholder = body.KeyConditionExpression?.match(/^\s*#?\w+\s*=\s*(:\w+)/)?.[1];
  if (placeholder) out.push(body.ExpressionAttributeValues?.[placeholder]?.S);
  return out.filter((k): k is string => k !== undefined);
};

/** Why `fn` may not make this request, or undefined when its role allows it (the keys checked only when the deployment's tenant is given). */
export const refusal = (fn: string, operation: string, body: RequestBody, tenantId?: string): string | undefined => {
  const access = accessOf(fn);
  const allowed = new Set(tableActionsOf(access));
  const missing = actionsNeeded(operation, body).filter((a) => !allowed.has(a));
  if (missing.length > 0) return `${fn} is not authorized to perform: ${missing.map((a) => `dynamodb:${a}`).join(', ')} (its role: table '${access.table}', infra/constructs/handler-access.ts)`;
  if (tenantId !== undefined && (access.table === 'tenantItems' || access.table === 'tenantUpdates')) {
    const foreign = leadingKeys(body).find((k) => k !== `T#${tenantId}` && !k.startsWith(`T#${tenantId}#`));
    if (foreign !== undefined) return `${fn} is not authorized to perform: dynamodb:${operation} on a key outside T#${tenantId} (dynamodb:LeadingKeys): ${foreign}`;
  }
  return undefined;
};

/**
 * Adds the check to `client` (the adapters' shared document client), for the deployment tenant
 * `tenantId` (without one, the actions only: tests whose companies are many).
 */
export const enforceTableAccess = (client: DynamoDBDocumentClient, tenantId?: string): void => {
  if (client.middlewareStack.identify().some((m) => m.startsWith('sollecitoLocalTableAccess'))) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      const fn = running.getStore();
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const target = request.headers?.['x-amz-target'];
      const body = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : undefined;
      if (fn && target && body !== undefined) {
        const operation = target.split('.').at(-1)!;
        const why = refusal(fn, operation, JSON.parse(body) as RequestBody, tenantId);
        if (why) throw Object.assign(new Error(`User: arn:aws:sts::000000000000:assumed-role/${fn}/local is not authorized: ${why}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'sollecitoLocalTableAccess' },
  );
};
