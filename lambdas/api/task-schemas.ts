/**
 * The finance team's task list for the admin API (GET /v1/tasks, POST /v1/tasks/{id}/complete):
 * plan requests and contact changes from customer links, contacts to fix after a bounce.
 * Registered for the OpenAPI document.
 */
import * as z from 'zod/mini';
import { FinanceTask, TASK_KINDS } from '../domain/commands/tasks.js';
import { requestSchemas, responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const TaskListQuery = lazySchema(() => z.strictObject({
  kind: z.optional(z.enum(TASK_KINDS)),
  /** "true": done tasks as well. */
  includeDone: z.optional(z.enum(['true', 'false'])),
}));

export const TaskResource = lazySchema(() => z
  .omit(FinanceTask, { tenantId: true }))
  .register(responseSchemas, { id: 'Task', description: 'Work for the finance team: a plan request, a proposed contact, a contact to fix.' });

export const TaskList = lazySchema(() => z
  .object({ items: z.array(TaskResource) }))
  .register(responseSchemas, { id: 'TaskList', description: 'Tasks, oldest first.' });

export const CompleteTaskRequest = lazySchema(() => z
  .strictObject({
    /** contactChange: make the proposed contact the customer's billing contact. */
    apply: z.optional(z.boolean()),
    resolution: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
  }))
  .register(requestSchemas, { id: 'CompleteTaskRequest', description: 'Close a task; for a proposed contact, `apply: true` confirms it (it becomes the billing contact).' });

export const CompleteTaskResult = lazySchema(() => z
  .object({ task: TaskResource, customerUpdated: z.boolean() }))
  .register(responseSchemas, { id: 'CompleteTaskResult', description: 'The closed task, and whether the customer record changed.' });
