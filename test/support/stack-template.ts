/**
 * The synthesized SollecitoStack as the infra tests read it: its resources, the logical id of a
 * construct or of a handler's function, and the IAM statements granted to a function or found
 * anywhere in the template. One per synthesis (test/support/synth.ts caches those).
 */
import type { CfnElement } from 'aws-cdk-lib';
import { synthStack, type SynthOptions, type Synthesized } from './synth.js';

export type Json = Record<string, any>;
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Synthesis of the whole app can take tens of seconds on a busy 2-core machine. */
export const SYNTH_TIMEOUT_MS = 120_000;

/** SES configuration-set event types and the EventBridge detail-type SES publishes each as (SES developer guide). */
export const SES_DETAIL_TYPES: Record<string, string> = {
  delivery: 'Email Delivered',
  bounce: 'Email Bounced',
  complaint: 'Email Complaint Received',
  deliveryDelay: 'Email Delivery Delayed',
  reject: 'Email Rejected',
  renderingFailure: 'Email Rendering Failed',
};

export const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
export const refersTo = (value: unknown, logicalId: string): boolean => JSON.stringify(value).includes(`"${logicalId}"`);

export class StackTemplate {
  readonly resources: Record<string, Json>;
  /** Handler name (plan-timeline…) -> logical id of its function. */
  readonly functionIds: ReadonlyMap<string, string>;

  constructor(readonly synthesized: Synthesized) {
    this.resources = synthesized.template.toJSON().Resources as Record<string, Json>;
    this.functionIds = new Map(synthesized.stack.functions.map((fn) => [fn.handlerName, this.idOf(fn)]));
  }

  get stack() {
    return this.synthesized.stack;
  }

  get template() {
    return this.synthesized.template;
  }

  ofType(type: string): [string, Json][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  idOf(c: { node: { defaultChild?: unknown } }): string {
    return this.synthesized.stack.getLogicalId(c.node.defaultChild as CfnElement);
  }

  fnId(handler: string): string {
    const id = this.functionIds.get(handler);
    if (!id) throw new Error(`no function for ${handler}`);
    return id;
  }

  envOf(handler: string): Record<string, unknown> {
    return this.resources[this.fnId(handler)]!.Properties.Environment?.Variables ?? {};
  }

  roleOf(handler: string): string {
    return (this.resources[this.fnId(handler)]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  }

  /** Every statement of the IAM policies attached to a role. */
  policiesOfRole(roleId: string): Statement[] {
    return this.ofType('AWS::IAM::Policy')
      .filter(([, p]) => list(p.Properties.Roles).some((r) => refersTo(r, roleId)))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  }

  statementsOf(handler: string): Statement[] {
    return this.policiesOfRole(this.roleOf(handler));
  }

  actionsOf(handler: string): Set<string> {
    return new Set(this.statementsOf(handler).flatMap((st) => list(st.Action)));
  }

  /** Every statement of every IAM or resource policy in the template, with where it came from. */
  allStatements(): { where: string; type: string; st: Statement }[] {
    const out: { where: string; type: string; st: Statement }[] = [];
    for (const [id, r] of Object.entries(this.resources)) {
      const p = r.Properties ?? {};
      const docs: unknown[] = [p.PolicyDocument, p.KeyPolicy, ...list(p.Policies).map((x: Json) => x.PolicyDocument)].filter(Boolean);
      for (const doc of docs) for (const st of (doc as Json).Statement as Statement[]) out.push({ where: id, type: r.Type, st });
    }
    return out;
  }
}

const views = new WeakMap<Synthesized, StackTemplate>();

/** The stack synthesized with `opts` (bundling off by default: the template is the same), read as a StackTemplate. */
export const stackTemplate = (opts: SynthOptions = { bundle: false }): StackTemplate => {
  const synthesized = synthStack(opts);
  let view = views.get(synthesized);
  if (!view) views.set(synthesized, (view = new StackTemplate(synthesized)));
  return view;
};
