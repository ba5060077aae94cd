/**
 * Showing the page of an answer link ("I will pay on", "I have paid", …) before anything is posted.
 * 1. Record the view.
 * 2. Count it; the page (invoice, payment details, the form) is the site's to render.
 */
import type { AnswerAction } from '../../domain/messages/customer-forms.js';
import { linkIds, type OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';
import { recordLinkView } from './record-link-view.js';

export interface AnswerPage {
  kind: 'answer-page';
  link: OpenedLink;
  action: AnswerAction;
}

export const showAnswerPage = async (deps: Pick<CustomerAnswersDeps, 'invoices' | 'now' | 'logger' | 'count'>, l: OpenedLink, action: AnswerAction): Promise<AnswerPage> => {
  // 1. Record the view
  await recordLinkView(deps, l, {});
  // 2. Count it
  deps.count('LinkViews');
  deps.logger.info('customer page shown', linkIds(l));
  return { kind: 'answer-page', link: l, action };
};
