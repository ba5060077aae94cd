/** /v1/tasks: what customers asked for through their links, and contacts to fix after a bounce. */
import { updateCustomer } from '../../domain/commands/commands.js';
import { ApiError } from '../errors.js';
import { route, type RouteDef } from '../route.js';
import { CompleteTaskRequest, CompleteTaskResult, TaskList, TaskListQuery } from '../task-schemas.js';
import { afterCustomerChange } from './customers.js';
import { commandContext } from './invoices.js';

export const taskRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/tasks',
    operationId: 'listTasks',
    summary: "The finance team's tasks",
    description: 'Open tasks, oldest first: payment plans customers asked for, contacts they proposed (confirm before use), contacts to fix after a hard bounce or complaint.',
    tag: 'customers',
    access: 'read',
    query: TaskListQuery,
    response: { status: 200, schema: TaskList, description: 'The tasks.' },
    handle: async (c) => {
      const items = await c.deps.tasks.list(c.tenant.tenantId, {
        ...(c.query.kind ? { kind: c.query.kind } : {}),
        includeDone: c.query.includeDone === 'true',
      });
      return { items: items.map(({ tenantId: _t, ...rest }) => rest) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/tasks/{id}/complete',
    operationId: 'completeTask',
    summary: 'Close a task',
    description: 'For a contact a customer proposed, `apply: true` makes it the billing contact (logged on the customer); otherwise the task is closed with the resolution.',
    tag: 'customers',
    access: 'write',
    body: CompleteTaskRequest,
    response: { status: 200, schema: CompleteTaskResult, description: 'The closed task.' },
    errors: [404, 409, 422],
    handle: async (c) => {
      const tasks = c.deps.tasks;
      const id = c.params.id!;
      const task = await tasks.get(c.tenant.tenantId, id);
      if (!task) throw new ApiError(404, 'task_not_found', `No task with id ${id}.`);
      if (task.status === 'done') throw new ApiError(409, 'task_done', `Task ${id} is already done.`);
      if (c.body.apply && !(task.kind === 'contactChange' && task.contact)) {
        throw new ApiError(422, 'nothing_to_apply', 'Only a proposed contact can be applied.', [{ field: 'apply', message: 'only for contactChange tasks' }]);
      }
      let customerUpdated = false;
      if (c.body.apply && task.contact) {
        const contact = task.contact;
        const d = await c.deps.commands.onCustomer(c.tenant.tenantId, task.customerId, (cust) => updateCustomer(cust, { billingContact: contact }, commandContext(c)));
        customerUpdated = d.events.length > 0;
        await afterCustomerChange(c, task.customerId, d.becameReachable);
      }
      const resolution = c.body.resolution ?? (c.body.apply ? 'contact applied' : undefined);
      if (!(await tasks.complete(c.tenant.tenantId, id, c.user.actor, c.now.toISOString(), resolution))) {
        throw new ApiError(409, 'task_done', `Task ${id} was closed meanwhile.`);
      }
      const { tenantId: _t, ...done } = (await tasks.get(c.tenant.tenantId, id))!;
      return { task: done, customerUpdated };
    },
  }),
];
