/** /v1/simulations: what-if before switching, two playbooks replayed over the company's portfolio (docs/what-if.md). */
import { runSimulation } from '../../app/simulations/run-simulation.js';
import { whatIfPage } from '../../domain/simulation/what-if-page.js';
import { ApiError } from '../errors.js';
import { RawResponse } from '../http.js';
import { route, type RouteDef } from '../route.js';
import { SimulationQuery, SimulationRequest, SimulationResult } from '../simulation-schemas.js';

const wantsHtml = (format: 'json' | 'html' | undefined, accept: string | undefined): boolean =>
  format === 'html' || (format === undefined && (accept ?? '').toLowerCase().includes('text/html'));

export const simulationRoutes: RouteDef[] = [
  route({
    method: 'POST',
    path: '/v1/simulations',
    operationId: 'runSimulation',
    summary: 'What-if: two playbooks over the open portfolio or a past period',
    description:
      'Replays the invoices with the real planner and business calendar under each policy and prices the plans with a response model fitted to the company\'s own outcomes per stage (a stage reached by fewer than 20 invoices keeps a documented default, and says so). Deterministic expected values; nothing is saved or sent. `format=html` (or `Accept: text/html`) answers one self-contained HTML page with charts. 422 with every problem: an unknown policy id, a written-out policy the timeline rules refuse, a period that ends before it starts, lies ahead or spans more than 366 days.',
    tag: 'policies',
    access: 'read',
    body: SimulationRequest,
    query: SimulationQuery,
    response: { status: 200, schema: SimulationResult, description: 'The comparison.' },
    alternateContent: { contentType: 'text/html', description: 'The comparison as a self-contained HTML page (format=html or Accept: text/html).' },
    errors: [422],
    handle: async (c) => {
      const deps = { portfolio: c.deps.portfolio, reports: c.deps.reports, policies: c.deps.policies, ...(c.deps.sendSpread ? { sendSpread: c.deps.sendSpread } : {}) };
      const [a, b] = c.body.policies;
      const out = await runSimulation(deps, c.tenant, { ...c.body, policies: [a!, b!] }, c.now);
      if (out.kind === 'refused') {
        const n = out.problems.length;
        throw new ApiError(422, 'simulation_refused', `The simulation has ${n} problem${n === 1 ? '' : 's'}; nothing was replayed.`, out.problems.map((p) => ({ field: p.path, message: p.message })));
      }
      const result = { ...out.result, warnings: out.warnings };
      if (!wantsHtml(c.query.format, c.event.headers?.accept)) return result;
      return new RawResponse(200, whatIfPage(out.result, c.tenant.name, c.tenant.language), {
        'content-type': 'text/html; charset=utf-8',
        // The page needs nothing from anywhere: its style is inline and it runs no script.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      }) as never;
    },
  }),
];
