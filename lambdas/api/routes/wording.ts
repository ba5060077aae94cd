/** /v1/wording: the company's own wording of its customer messages (domain/messages/wording.ts, docs/wording.md). */
import type { Language } from '../../domain/model.js';
import type { RenderedMessage } from '../../domain/messages/rendering/types.js';
import { checkWordingOverride, checkWordingSet, sampleRenderInput, type WordingProblem } from '../../domain/messages/wording-override.js';
import { renderMessage } from '../../domain/messages/rendering/render.js';
import type { WordingKey } from '../../domain/messages/wording.js';
import { builtInWording } from '../../domain/messages/built-in-wording.js';
import { ApiError } from '../errors.js';
import { route, type RouteDef } from '../route.js';
import { BuiltInWordingResource, WordingDeleted, WordingList, WordingParams, WordingPreview, WordingPreviewRequest, WordingRequest, WordingResource, WordingSaved } from '../wording-schemas.js';

const PATH = '/v1/wording/{kind}/{tone}/{language}';

/** 422 with every problem, each named by its path in the request body. */
const refused = (problems: readonly WordingProblem[]): ApiError =>
  new ApiError(
    422,
    'wording_refused',
    `The wording has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was changed.`,
    problems.map((p) => ({ field: p.path, message: p.why })),
  );

const keyOf = (params: Record<string, string>): WordingKey => ({ kind: params.kind, tone: params.tone, language: params.language }) as WordingKey;

const shown = ({ subject, html, text, sms }: RenderedMessage) => ({ subject, html, text, sms });

export const wordingRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/wording',
    operationId: 'listWording',
    summary: "The company's own wording",
    description: 'Every override of a message (kind, tone, language); a message without one uses the built-in words.',
    tag: 'wording',
    access: 'read',
    response: { status: 200, schema: WordingList, description: 'The overrides.' },
    handle: async (c) => ({ items: await c.deps.wording.list(c.tenant.tenantId) }),
  }),
  route({
    method: 'GET',
    path: PATH,
    operationId: 'getWording',
    summary: 'One override',
    description: "The company's own wording of one message kind, tone and language; 404 `wording_not_found` when there is none and the built-in words are used.",
    tag: 'wording',
    access: 'read',
    params: WordingParams,
    response: { status: 200, schema: WordingResource, description: 'The override.' },
    errors: [404],
    handle: async (c) => {
      const found = await c.deps.wording.get(c.tenant.tenantId, keyOf(c.params));
      if (!found) throw new ApiError(404, 'wording_not_found', `No override for ${c.params.kind} ${c.params.tone} ${c.params.language}: the built-in words are used.`);
      return found;
    },
  }),
  route({
    method: 'GET',
    path: `${PATH}/built-in`,
    operationId: 'getBuiltInWording',
    summary: 'The built-in words of one message',
    description: 'What the message of this kind, tone and language says without an override (Mustache texts with their {{placeholders}}): the starting point of a company\'s own wording.',
    tag: 'wording',
    access: 'read',
    params: WordingParams,
    response: { status: 200, schema: BuiltInWordingResource, description: 'The built-in words.' },
    errors: [404],
    handle: async (c) => {
      const key = keyOf(c.params);
      const words = builtInWording(key);
      if (!words) throw new ApiError(404, 'wording_not_found', `The templates hold no ${key.kind} ${key.tone} message in ${key.language}.`);
      return { ...key, ...words, preview: shown(renderMessage(sampleRenderInput(key.kind, key.tone, key.language, c.tenant, c.now))) };
    },
  }),
  route({
    method: 'PUT',
    path: PATH,
    operationId: 'putWording',
    summary: 'Set the wording of one message',
    description:
      'Checked before it is kept: known placeholders only, escaped like the built-ins, every fact a reminder must carry named. Refused with every problem (422, nothing changed); accepted, the next message of this kind, tone and language uses it.',
    tag: 'wording',
    access: 'write',
    params: WordingParams,
    body: WordingRequest,
    response: { status: 200, schema: WordingSaved, description: 'The override as kept, and its preview on the sample invoice.' },
    errors: [422],
    handle: async (c) => {
      const key = keyOf(c.params);
      const r = checkWordingOverride({ ...c.body, ...key }, c.tenant, c.now);
      if (!r.ok) throw refused(r.problems);
      const wording = { ...r.override, updatedAt: c.now.toISOString(), updatedBy: c.user.actor };
      await c.deps.wording.put(c.tenant.tenantId, [wording]);
      return { wording, preview: shown(r.preview) };
    },
  }),
  route({
    method: 'DELETE',
    path: PATH,
    operationId: 'deleteWording',
    summary: 'Back to the built-in words',
    description: 'Removes the override of one message kind, tone and language: the next message uses the built-in words. 404 `wording_not_found` when there was none.',
    tag: 'wording',
    access: 'write',
    params: WordingParams,
    response: { status: 200, schema: WordingDeleted, description: 'The override is gone.' },
    errors: [404],
    handle: async (c) => {
      const key = keyOf(c.params);
      if (!(await c.deps.wording.delete(c.tenant.tenantId, key))) {
        throw new ApiError(404, 'wording_not_found', `No override for ${key.kind} ${key.tone} ${key.language}.`);
      }
      return { ...key, deleted: true as const };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/wording/preview',
    operationId: 'previewWording',
    summary: 'Preview a candidate wording',
    description: 'Checks a candidate of one kind and tone and renders it on a sample invoice in every language it covers; nothing is kept. 422 with every problem, each at its path (languages.<lang>.body.0).',
    tag: 'wording',
    access: 'read',
    body: WordingPreviewRequest,
    response: { status: 200, schema: WordingPreview, description: 'Subject, HTML, text and SMS per language.' },
    errors: [422],
    handle: async (c) => {
      const r = checkWordingSet(c.body, c.tenant, c.now);
      if (!r.ok) throw refused(r.problems);
      const languages = Object.fromEntries(Object.entries(r.previews).map(([lang, p]) => [lang, shown(p)])) as Partial<Record<Language, ReturnType<typeof shown>>>;
      return { kind: c.body.kind, tone: c.body.tone, languages };
    },
  }),
];
