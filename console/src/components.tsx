/** Small building blocks shared by the pages: the page frame, loading and errors, forms for actions, amounts, the timeline. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiFailure, type ContactEvent } from './api.js';
import { day, instant, money } from './format.js';
import type { Resource } from './hooks.js';
import { useI18n } from './i18n/index.js';

/**
 * The page-wide live region: what an action did is announced there, so the words stay (and are
 * read out) even when the item the action was on leaves the list.
 */
let announceTo: ((words: string) => void) | undefined;
export const announce = (words: string): void => announceTo?.(words);
export const Announcer = () => {
  const [words, setWords] = useState('');
  useEffect(() => {
    announceTo = setWords;
    // A page of its own: what was done on the last one is no news here.
    const clear = () => setWords('');
    addEventListener('hashchange', clear);
    return () => {
      announceTo = undefined;
      removeEventListener('hashchange', clear);
    };
  }, []);
  return (
    <p id="announcer" class="announcer" role="status" aria-live="polite">
      {words}
    </p>
  );
};

/** One page: its title in the tab, its h1, and focus moved to it when the page opens (screen readers hear where they are). */
export const Page = ({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) => {
  const h1 = useRef<HTMLHeadingElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);
  useEffect(() => {
    h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      <div class="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
};

export const Loading = () => {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
};

export const ErrorNote = ({ error, retry }: { error: Error; retry?: () => void }) => {
  const { t } = useI18n();
  return (
    <div class="error" role="alert">
      <p>{t('common.error', { message: error.message })}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
};

/** Renders `children(data)` once a resource has data; loading and errors otherwise. */
export const Async = <T,>({ resource, children }: { resource: Resource<T>; children: (data: T) => ComponentChildren }) => {
  if (resource.data !== undefined) return <>{children(resource.data)}</>;
  if (resource.error) return <ErrorNote error={resource.error} retry={() => void resource.reload()} />;
  return <Loading />;
};

export const Money = ({ minor, currency }: { minor: number | undefined; currency: string | undefined }) => {
  const { locale } = useI18n();
  return <span class="money">{money(locale, minor, currency)}</span>;
};

export const Day = ({ iso }: { iso: string | undefined }) => {
  const { locale } = useI18n();
  return <time dateTime={iso}>{day(locale, iso)}</time>;
};

export const Instant = ({ iso }: { iso: string | undefined }) => {
  const { locale } = useI18n();
  return <time dateTime={iso}>{instant(locale, iso)}</time>;
};

export const Lateness = ({ days }: { days: number | undefined }) => {
  const { t } = useI18n();
  if (days === undefined) return null;
  const words =
    days === 1 ? t('common.oneDayLate') : days > 1 ? t('common.daysLate', { days }) : days === 0 ? t('common.dueToday') : days === -1 ? t('common.dueTomorrow') : t('common.notYetDue', { days: -days });
  return <span class={days > 0 ? 'late' : 'on-time'}>{words}</span>;
};

export const Status = ({ status }: { status: string }) => {
  const { tx } = useI18n();
  return <span class={`status status-${status}`}>{tx('status', status)}</span>;
};

/** A labelled field: the label tied to its control by id. */
export const Field = ({ label, children, hint }: { label: string; hint?: string; children: (id: string, describedBy?: string) => JSX.Element }) => {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
      {children(id, hintId)}
    </div>
  );
};

/**
 * An action: a disclosure with its form. On submit the form's fields go to `run`; its answer (the
 * words of what was done) is announced, an API refusal shown as an alert next to the form, and
 * `onDone` (usually a reload of the page's data) runs after.
 */
export const ActionForm = ({
  title,
  submit,
  run,
  onDone,
  children,
  open: initiallyOpen = false,
  inline = false,
  keepValues = false,
}: {
  title: string;
  submit: string;
  run: (form: FormData) => Promise<string>;
  onDone?: () => void | Promise<void>;
  children?: ComponentChildren;
  open?: boolean;
  /** A button without a disclosure (the form has no fields, or they are always shown). */
  inline?: boolean;
  /** The fields keep what was chosen after a success (a query asked again with one change), instead of being reset. */
  keepValues?: boolean;
}) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const words = await run(new FormData(form));
      setDone(words);
      announce(words);
      if (!keepValues) form.reset();
      await onDone?.();
    } catch (err) {
      setError(err instanceof ApiFailure || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const body = (
    <form onSubmit={(e) => void onSubmit(e)} aria-label={inline ? undefined : title} class="action-form">
      {children}
      <button type="submit" disabled={busy} aria-disabled={busy}>
        {submit}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="done">
        {done}
      </p>
    </form>
  );
  if (inline) return body;
  return (
    <details class="action" open={initiallyOpen}>
      <summary>{title}</summary>
      {body}
    </details>
  );
};

/** What an event says beyond its type: the amount paid, the promised day, the note. */
const eventDetails = (e: ContactEvent, t: ReturnType<typeof useI18n>, fallbackCurrency?: string): string => {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const currency = typeof d.currency === 'string' ? d.currency : fallbackCurrency;
  if (typeof d.amount === 'number' && currency) parts.push(money(t.locale, d.amount, currency));
  for (const k of ['date', 'promiseDate', 'until']) if (typeof d[k] === 'string') parts.push(day(t.locale, d[k] as string));
  for (const k of ['text', 'note', 'reason', 'outcome', 'resolution']) if (typeof d[k] === 'string' && d[k]) parts.push(d[k] as string);
  if (typeof d.reached === 'boolean') parts.push(d.reached ? t.t('call.reachedYes') : t.t('call.reachedNo'));
  return parts.join(' · ');
};

/** The contact log as a list, newest first. */
export const Timeline = ({ events, showInvoice, currency }: { events: (ContactEvent & { invoiceLabel?: string; currency?: string })[]; showInvoice?: boolean; currency?: string }) => {
  const i18n = useI18n();
  const { t, tx } = i18n;
  if (events.length === 0) return <p>{t('common.none')}</p>;
  const sorted = [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return (
    <ol class="timeline">
      {sorted.map((e) => (
        <li key={e.eventId} class={`event event-${e.type}`}>
          <Instant iso={e.at} />
          <span class="event-type">{tx('event', e.type)}</span>
          {e.stage && <span class="event-stage">{tx('stage', e.stage)}</span>}
          {showInvoice && e.invoiceLabel && <span class="event-invoice">{e.invoiceLabel}</span>}
          <span class="event-channel">{tx('channel', e.channel)}</span>
          {e.outcome && <span class={`event-outcome outcome-${e.outcome}`}>{tx('outcome', e.outcome)}</span>}
          {e.to && <span class="event-to">{e.to}</span>}
          <span class="event-actor" title={e.actor}>{e.actorEmail ?? e.actor}</span>
          {eventDetails(e, i18n, e.currency ?? currency) && <span class="event-details">{eventDetails(e, i18n, e.currency ?? currency)}</span>}
        </li>
      ))}
    </ol>
  );
};

export const text = (form: FormData, name: string): string | undefined => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};
