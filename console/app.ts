/**
 * The analyst console: sign in with an analyst or admin key (exchanged for an HttpOnly session
 * cookie; the key is never stored in the browser), work the review queue, open a case (claimed while
 * it is open), see the document and what was read from it, decide. Plain DOM, no framework; every
 * value from the API goes into the page as text, never as HTML.
 */

interface Session {
  analyst: { keyId: string; name: string; role: string };
  csrfToken: string;
  expiresAt: string;
  reasonCodes: string[];
  claimTtlMs: number;
  temporalUiUrl: string | null;
}

interface Claim {
  verificationId: string;
  analyst: { keyId: string; name: string };
  expiresAt: string;
}

interface Check {
  code: string;
  result: 'pass' | 'consider' | 'fail';
  detail?: string;
}

interface Verification {
  id: string;
  status: string;
  decision: string | null;
  reasons: Array<{ code: string; detail?: string }>;
  reference: string | null;
  documentType: string;
  createdAt: string;
  completedAt: string | null;
  applicant: Record<string, string> | null;
  extraction: { fields?: Record<string, string | null>; mrzLines?: string[]; source?: string; visualZone?: { fields?: Record<string, string | null> } } | null;
  checks: Check[];
  review: { deadline?: string; startedAt?: string; decision?: string; reason?: string; note?: string; analystName?: string; analystId?: string } | null;
  links: { temporalUi?: string };
  claim?: Claim | null;
  clientId?: string;
  erasedAt?: string | null;
}

interface ListPage<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

interface ApiErrorBody {
  error?: { code?: string; message?: string };
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let session: Session | null = null;
let renewTimer: number | undefined;
let leaveView: (() => Promise<void> | void) | undefined;
const main = document.getElementById('main')!;

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | ((event: Event) => void)> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session) headers['x-csrf-token'] = session.csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as T & ApiErrorBody;
  if (!response.ok) {
    if (response.status === 401 && path !== '/console/session') {
      session = null;
      render();
    }
    throw new ApiFailure(response.status, json.error?.code ?? 'error', json.error?.message ?? `HTTP ${response.status}`);
  }
  return json;
}

function toast(message: string): void {
  const element = document.getElementById('toast')!;
  element.textContent = message;
  window.setTimeout(() => {
    if (element.textContent === message) element.textContent = '';
  }, 4000);
}

function show(title: string, ...content: Child[]): void {
  main.replaceChildren(h('h1', { id: 'title' }, title), ...content.filter((c): c is Node | string => Boolean(c)));
  document.title = `${title} · kycflow console`;
  main.focus();
}

const minutes = (ms: number) => `${Math.max(0, Math.floor(ms / 60_000))} min`;
function timeLeft(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso) - Date.now();
  if (ms <= 0) return 'overdue';
  const hours = Math.floor(ms / 3_600_000);
  return hours >= 1 ? `${hours} h ${minutes(ms - hours * 3_600_000)}` : minutes(ms);
}
const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
const claimText = (claim: Claim | null | undefined) =>
  !claim ? 'free' : claim.analyst.keyId === session?.analyst.keyId ? `with you, ${minutes(Date.parse(claim.expiresAt) - Date.now())}` : `with ${claim.analyst.name}, ${minutes(Date.parse(claim.expiresAt) - Date.now())}`;

// --- Sign-in -------------------------------------------------------------------------------

function signInView(message?: string): void {
  document.getElementById('bar')!.hidden = true;
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, message ?? '');
  const key = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'signin-help' });
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void (async () => {
          try {
            session = await api<Session>('POST', '/console/session', { apiKey: key.value.trim() });
            key.value = '';
            if (!location.hash || location.hash === '#/') location.hash = '#/queue';
            render();
          } catch (failure) {
            error.textContent = failure instanceof ApiFailure && failure.status === 403 ? 'This key is not an analyst or admin key.' : 'That key was not accepted.';
          }
        })();
      },
    },
    h('h1', { id: 'title' }, 'Sign in to the kycflow console'),
    h('label', { for: 'api-key' }, 'Analyst or admin API key'),
    key,
    h('p', { id: 'signin-help', class: 'keys' }, 'The key is exchanged for a session and is not kept in this browser. Create one with npm run kyc -- analyst:create --name "Your name".'),
    error,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  main.replaceChildren(form);
  document.title = 'Sign in · kycflow console';
  key.focus();
}

// --- Queue ---------------------------------------------------------------------------------

async function queueView(params: URLSearchParams): Promise<void> {
  const reason = params.get('reason') ?? '';
  const client = params.get('client') ?? '';
  const cursor = params.get('cursor') ?? '';
  const query = new URLSearchParams({ limit: '20' });
  if (reason) query.set('reason', reason);
  if (client) query.set('clientId', client);
  if (cursor) query.set('cursor', cursor);
  const page = await api<ListPage<Verification>>('GET', `/v1/reviews?${query}`);

  const reasonInput = h('input', { id: 'filter-reason', name: 'reason', value: reason, placeholder: 'e.g. applicant_mismatch', pattern: '[a-z][a-z0-9_]*' });
  const clientInput = h('input', { id: 'filter-client', name: 'client', value: client, placeholder: 'cli_…' });
  const filters = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        if (reasonInput.value.trim()) next.set('reason', reasonInput.value.trim());
        if (clientInput.value.trim()) next.set('client', clientInput.value.trim());
        location.hash = `#/queue?${next}`;
      },
    },
    h('div', {}, h('label', { for: 'filter-reason' }, 'Reason'), reasonInput),
    h('div', {}, h('label', { for: 'filter-client' }, 'Client'), clientInput),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const rows = page.data.map((v) =>
    h(
      'tr',
      { 'data-id': v.id },
      h('td', {}, h('a', { href: `#/case/${v.id}` }, v.reference ?? v.id), h('div', { class: 'keys mono' }, v.id)),
      h('td', { class: 'mono' }, v.clientId ?? '—'),
      h('td', {}, v.reasons.map((r) => r.code).join(', ') || '—'),
      h('td', {}, when(v.review?.startedAt ?? v.createdAt)),
      h('td', {}, timeLeft(v.review?.deadline)),
      h('td', { class: 'claim' }, claimText(v.claim)),
      h('td', {}, h('button', { type: 'button', onclick: () => (location.hash = `#/case/${v.id}`) }, 'Open')),
    ),
  );
  const table = page.data.length
    ? h(
        'table',
        { 'aria-describedby': 'title' },
        h('thead', {}, h('tr', {}, ...['Case', 'Client', 'Reasons', 'Waiting since', 'Time left', 'Held by', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...rows),
      )
    : h('p', { id: 'queue-empty' }, 'No case is waiting for review.');
  const pager = h(
    'div',
    { class: 'pager' },
    cursor && h('button', { type: 'button', class: 'secondary', onclick: () => (location.hash = '#/queue') }, 'First page'),
    page.hasMore && h('button', { type: 'button', class: 'secondary', onclick: () => (location.hash = `#/queue?${new URLSearchParams({ ...(reason && { reason }), ...(client && { client }), cursor: page.nextCursor! })}`) }, 'Next page'),
  );
  show('Review queue', filters, table, pager, h('p', { class: 'keys' }, 'Oldest first, refreshed every 30 s. Opening a case holds it for you; others see who has it.'));
  // Refresh while the queue is shown (not while someone types in a filter).
  const refresh = window.setInterval(() => {
    if (!(document.activeElement instanceof HTMLInputElement)) render();
  }, 30_000);
  leaveView = () => window.clearInterval(refresh);
}

// --- Case ----------------------------------------------------------------------------------

const FIELDS: Array<[string, string, string]> = [
  ['Last name', 'lastName', 'lastName'],
  ['First name', 'firstName', 'firstName'],
  ['Date of birth', 'birthDate', 'dateOfBirth'],
  ['Nationality', 'nationality', 'nationality'],
  ['Document number', 'documentNumber', 'documentNumber'],
  ['Expiry', 'expirationDate', 'expirationDate'],
  ['Sex', 'sex', 'sex'],
];
const normal = (value: string | null | undefined) => (value ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');

function documentViewer(id: string): HTMLElement {
  const viewer = h('div', { class: 'viewer', id: 'viewer' });
  const state = { scale: 1, turn: 0 };
  let image: HTMLImageElement | undefined;
  const apply = () => image && (image.style.transform = `rotate(${state.turn}deg) scale(${state.scale})`);
  const load = async (side: 'front' | 'back') => {
    viewer.replaceChildren(h('p', {}, 'Loading…'));
    const response = await fetch(`/v1/verifications/${id}/documents/${side}`, { credentials: 'same-origin' });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as ApiErrorBody;
      viewer.replaceChildren(h('p', { id: 'no-image' }, body.error?.code === 'no_document_image' ? `No ${side} image: this side was not sent, or the document came as MRZ text.` : 'The image could not be loaded.'));
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    image = h('img', { src: url, alt: `Document, ${side} side`, id: 'document-image' });
    image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    apply();
    viewer.replaceChildren(image);
  };
  const tool = (label: string, action: () => void) => h('button', { type: 'button', class: 'secondary', onclick: action }, label);
  void load('front');
  return h(
    'section',
    { 'aria-labelledby': 'doc-title' },
    h('h2', { id: 'doc-title' }, 'Document'),
    h(
      'div',
      { class: 'tools' },
      tool('Front', () => void load('front')),
      tool('Back', () => void load('back')),
      tool('Zoom in', () => ((state.scale = Math.min(4, state.scale * 1.25)), apply())),
      tool('Zoom out', () => ((state.scale = Math.max(0.25, state.scale / 1.25)), apply())),
      tool('Rotate', () => ((state.turn = (state.turn + 90) % 360), apply())),
    ),
    viewer,
  );
}

function fieldsTable(v: Verification): HTMLElement {
  const read = v.extraction?.fields ?? {};
  const printed = v.extraction?.visualZone?.fields ?? {};
  const declared = v.applicant ?? {};
  // The service's own comparison (names folded, given names in any order) says which fields differ.
  const mismatch = v.checks.find((c) => c.code === 'applicant_mismatch' && c.result !== 'pass');
  const flagged = new Set((mismatch?.detail?.split(':')[1] ?? '').split(',').map((f) => f.trim()));
  const rows = FIELDS.map(([label, field, declaredField]) => {
    const value = read[field] ?? null;
    const claimed = declared[declaredField];
    const differs = claimed !== undefined && (flagged.has(declaredField) || (!['lastName', 'firstName', 'dateOfBirth'].includes(declaredField) && normal(claimed) !== normal(value)));
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      h('td', { class: 'mono' }, value ?? '—'),
      h('td', { class: 'mono' }, printed[field] ?? '—'),
      h('td', { class: differs ? 'mono differs' : 'mono' }, claimed ?? '—', differs ? h('span', { class: 'keys' }, ' (differs)') : null),
    );
  });
  return h(
    'section',
    { 'aria-labelledby': 'fields-title' },
    h('h2', { id: 'fields-title' }, 'Read from the document and declared by the applicant'),
    h('table', { class: 'diff' }, h('thead', {}, h('tr', {}, ...['Field', 'MRZ', 'Printed page', 'Declared'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows)),
    v.extraction?.mrzLines?.length ? h('div', {}, h('h2', {}, 'MRZ'), h('pre', { class: 'mono', id: 'mrz' }, v.extraction.mrzLines.join('\n'))) : null,
  );
}

function checksList(v: Verification): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'checks-title' },
    h('h2', { id: 'checks-title' }, 'Checks'),
    h(
      'table',
      {},
      h('tbody', {}, ...v.checks.map((c) => h('tr', {}, h('th', { scope: 'row', class: 'mono' }, c.code), h('td', {}, h('span', { class: `badge ${c.result}` }, c.result)), h('td', {}, c.detail ?? '')))),
    ),
  );
}

async function timeline(id: string): Promise<HTMLElement> {
  const events = await api<{ data: Array<{ type: string; sequence: number; createdAt: string; deliveries: Array<{ url: string; status: string; attemptCount: number }> }> }>('GET', `/v1/verifications/${id}/events`);
  return h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline and webhooks'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['#', 'Event', 'At', 'Webhook deliveries'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        { id: 'timeline' },
        ...events.data.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, String(e.sequence)),
            h('td', { class: 'mono' }, e.type),
            h('td', {}, when(e.createdAt)),
            h('td', {}, e.deliveries.map((d) => `${new URL(d.url).host}: ${d.status} (${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'})`).join('; ') || 'no endpoint'),
          ),
        ),
      ),
    ),
  );
}

/**
 * Sends a form's request with its button disabled meanwhile; a refusal is shown under the form in
 * words (by error code, else the API's message), anything else as `fallback`.
 */
async function send(submit: HTMLButtonElement, error: HTMLElement, request: () => Promise<void>, words: Record<string, (failure: ApiFailure) => string>, fallback: string): Promise<void> {
  submit.disabled = true;
  try {
    await request();
  } catch (failure) {
    submit.disabled = false;
    error.textContent = failure instanceof ApiFailure ? (words[failure.code]?.(failure) ?? failure.message) : fallback;
  }
}

function decideForm(v: Verification, holdsIt: boolean): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert', id: 'decide-error' });
  const accept = h('input', { type: 'radio', name: 'decision', value: 'accepted', id: 'decision-accept' });
  const reject = h('input', { type: 'radio', name: 'decision', value: 'rejected', id: 'decision-reject' });
  const reason = h('select', { id: 'reason', name: 'reason', required: true }, h('option', { value: '' }, 'Choose a reason…'), ...session!.reasonCodes.map((code) => h('option', { value: code }, code)));
  const note = h('textarea', { id: 'note', name: 'note', maxlength: '2000' });
  const submit = h('button', { type: 'submit', id: 'decide-submit', disabled: !holdsIt }, 'Record decision');
  const form = h(
    'form',
    {
      class: 'decide',
      'aria-labelledby': 'decide-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const decision = accept.checked ? 'accepted' : reject.checked ? 'rejected' : null;
        if (!decision) return void (error.textContent = 'Choose accept or reject.');
        if (!reason.value) return void (error.textContent = 'Choose a reason.');
        void send(
          submit,
          error,
          async () => {
            await api('POST', `/v1/verifications/${v.id}/review`, { decision, reason: reason.value, ...(note.value.trim() && { note: note.value.trim() }) });
            toast(`${v.reference ?? v.id}: ${decision}`);
            await openNextCase(v.id);
          },
          {
            not_awaiting_review: () => 'This case is no longer awaiting review (decided, cancelled or timed out).',
            case_claimed: (failure) => `Someone else holds this case now: ${failure.message}`,
          },
          'The decision could not be sent; try again.',
        );
      },
    },
    h('h2', { id: 'decide-title' }, 'Decide'),
    h('fieldset', {}, h('legend', {}, 'Decision'), h('label', { for: 'decision-accept' }, accept, ' Accept'), h('label', { for: 'decision-reject' }, reject, ' Reject')),
    h('label', { for: 'reason' }, 'Reason'),
    reason,
    h('label', { for: 'note' }, 'Note (optional)'),
    note,
    error,
    submit,
    h('p', { class: 'keys' }, 'Keys: a accept · r reject · 1–9 reason · Ctrl+Enter record · Esc back to the queue'),
  );
  const keys = (event: KeyboardEvent) => {
    const typing = event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    if (event.key === 'Escape') return void (location.hash = '#/queue');
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) return void form.requestSubmit();
    if (typing) return;
    if (event.key === 'a') accept.checked = true;
    else if (event.key === 'r') reject.checked = true;
    else if (/^[1-9]$/.test(event.key) && reason.options[Number(event.key)]) reason.selectedIndex = Number(event.key);
  };
  document.addEventListener('keydown', keys);
  const previous = leaveView;
  leaveView = async () => {
    document.removeEventListener('keydown', keys);
    await previous?.();
  };
  return form;
}

/** A decided case sent back to review (fraud found later, a complaint): then it is decided again here. */
function reopenForm(v: Verification): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert', id: 'reopen-error' });
  const reason = h('input', { id: 'reopen-reason', name: 'reason', required: true, pattern: '[a-z][a-z0-9_]{1,63}', value: 'suspected_fraud' });
  const note = h('textarea', { id: 'reopen-note', name: 'note', maxlength: '2000' });
  const submit = h('button', { type: 'submit', id: 'reopen-submit', class: 'secondary' }, 'Reopen for review');
  return h(
    'form',
    {
      class: 'decide',
      'aria-labelledby': 'reopen-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void send(
          submit,
          error,
          async () => {
            await api('POST', `/v1/verifications/${v.id}/reopen`, { reason: reason.value.trim(), ...(note.value.trim() && { note: note.value.trim() }) });
            toast(`${v.reference ?? v.id}: reopened`);
            await render();
          },
          {
            verification_not_reopenable: (failure) => `It cannot be reopened: ${failure.message}`,
            validation_failed: () => 'The reason must be a snake_case code, e.g. suspected_fraud.',
          },
          'The case could not be reopened; try again.',
        );
      },
    },
    h('h2', { id: 'reopen-title' }, 'Reopen'),
    h('label', { for: 'reopen-reason' }, 'Reason code'),
    reason,
    h('label', { for: 'reopen-note' }, 'Note (optional)'),
    note,
    error,
    submit,
  );
}

async function openNextCase(after: string): Promise<void> {
  const page = await api<ListPage<Verification>>('GET', '/v1/reviews?limit=20');
  const next = page.data.find((v) => v.id !== after && (!v.claim || v.claim.analyst.keyId === session!.analyst.keyId));
  location.hash = next ? `#/case/${next.id}` : '#/queue';
}

async function caseView(id: string): Promise<void> {
  let v = await api<Verification>('GET', `/v1/verifications/${id}`);
  let holdsIt = false;
  let notice: HTMLElement | null = null;
  if (v.status === 'awaiting_review') {
    try {
      const claim = await api<Claim>('POST', `/v1/verifications/${id}/claim`);
      v = { ...v, claim };
      holdsIt = true;
    } catch (failure) {
      if (!(failure instanceof ApiFailure)) throw failure;
      const takeOver =
        failure.code === 'case_claimed' && session!.analyst.role === 'admin'
          ? h(
              'button',
              {
                type: 'button',
                id: 'take-over',
                class: 'secondary',
                onclick: () =>
                  void api('POST', `/v1/verifications/${id}/claim`, { override: true })
                    .then(() => render())
                    .catch((error: unknown) => toast(error instanceof Error ? error.message : 'Could not take the case over')),
              },
              'Take over (admin)',
            )
          : null;
      notice = h('p', { class: 'notice', id: 'claim-notice', role: 'status' }, failure.code === 'case_claimed' ? `Read only: ${failure.message}. ` : failure.message, takeOver);
    }
  }
  const header = h(
    'p',
    {},
    h('span', { class: 'mono' }, v.id),
    ` · ${v.documentType} · status `,
    h('strong', { id: 'case-status' }, v.status),
    v.decision ? ` · decision ${v.decision}` : '',
    v.review?.deadline && v.status === 'awaiting_review' ? ` · ${timeLeft(v.review.deadline)} left` : '',
    holdsIt && v.claim ? ` · held by you until ${new Date(v.claim.expiresAt).toLocaleTimeString()} (renewed while open)` : '',
    ' · ',
    v.links.temporalUi ? h('a', { href: v.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' }, 'Open the run in the Temporal Web UI') : 'no Temporal UI link',
  );
  const reasons = v.reasons.length ? h('p', {}, 'Reasons: ', h('strong', { id: 'case-reasons' }, v.reasons.map((r) => r.code + (r.detail ? ` (${r.detail})` : '')).join(', '))) : null;
  const decided = v.review?.decision
    ? h('p', { id: 'review-outcome' }, `Reviewed: ${v.review.decision}, ${v.review.reason ?? ''}${v.review.note ? ` — “${v.review.note}”` : ''} by ${v.review.analystName ?? v.review.analystId ?? 'an operator'}`)
    : null;
  const erased = v.erasedAt ? h('p', { class: 'notice', id: 'erased-notice', role: 'status' }, `Erased ${when(v.erasedAt)}: only the tombstone remains.`) : null;
  const action = v.status === 'awaiting_review' ? decideForm(v, holdsIt) : v.status === 'completed' && !v.erasedAt ? reopenForm(v) : null;
  const left = h('div', {}, erased ?? documentViewer(id), decided, action);
  const right = h('div', {}, fieldsTable(v), checksList(v), await timeline(id));
  show(`Case ${v.reference ?? v.id}`, notice, header, reasons, h('div', { class: 'case' }, left, right));
  if (holdsIt) {
    // Keep the case while it is open; let go of it when leaving.
    renewTimer = window.setInterval(() => void api('POST', `/v1/verifications/${id}/claim`).catch(() => undefined), Math.max(30_000, session!.claimTtlMs / 2));
    const previous = leaveView;
    leaveView = async () => {
      window.clearInterval(renewTimer);
      await previous?.();
      await api('DELETE', `/v1/verifications/${id}/claim`).catch(() => undefined);
    };
  }
}

// --- History -------------------------------------------------------------------------------

async function historyView(params: URLSearchParams): Promise<void> {
  const search = params.get('q') ?? '';
  const cursor = params.get('cursor') ?? '';
  let rows: Verification[];
  let nextCursor: string | null = null;
  if (/^ver_[0-9A-Z]{26}$/.test(search)) {
    rows = [await api<Verification>('GET', `/v1/verifications/${search}`)].filter((v) => v.status === 'completed');
  } else {
    const query = new URLSearchParams({ status: 'completed', limit: '20' });
    if (search) query.set('reference', search);
    if (cursor) query.set('cursor', cursor);
    const page = await api<ListPage<Verification>>('GET', `/v1/verifications?${query}`);
    rows = page.data;
    nextCursor = page.hasMore ? page.nextCursor : null;
  }
  const input = h('input', { id: 'history-search', name: 'q', value: search, placeholder: 'reference or ver_…' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', onsubmit: (event: Event) => (event.preventDefault(), (location.hash = `#/history?${new URLSearchParams(input.value.trim() ? { q: input.value.trim() } : {})}`)) },
    h('div', {}, h('label', { for: 'history-search' }, 'Reference or id'), input),
    h('button', { type: 'submit' }, 'Search'),
  );
  const table = rows.length
    ? h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...['Case', 'Decision', 'Reasons', 'Reviewed by', 'Completed'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...rows.map((v) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/case/${v.id}` }, v.reference ?? v.id)),
              h('td', {}, v.decision ?? '—'),
              h('td', {}, v.reasons.map((r) => r.code).join(', ') || '—'),
              h('td', {}, v.review?.analystName ?? (v.review?.decision ? (v.review.analystId ?? '—') : 'automatic')),
              h('td', {}, when(v.completedAt)),
            ),
          ),
        ),
      )
    : h('p', {}, 'Nothing found.');
  const pager = h('div', { class: 'pager' }, nextCursor && h('button', { type: 'button', class: 'secondary', onclick: () => (location.hash = `#/history?${new URLSearchParams({ ...(search && { q: search }), cursor: nextCursor! })}`) }, 'Next page'));
  show('Decided cases', form, table, pager);
}

// --- Shell ---------------------------------------------------------------------------------

function render(): void {
  // The view being left lets go of what it holds (its case claim, its keyboard shortcuts).
  const leaving = leaveView;
  leaveView = undefined;
  void leaving?.();
  if (!session) return signInView();
  document.getElementById('bar')!.hidden = false;
  document.getElementById('who')!.textContent = `${session.analyst.name} (${session.analyst.role})`;
  const [route = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  for (const [link, name] of [['nav-queue', 'queue'], ['nav-history', 'history']] as const) {
    const element = document.getElementById(link)!;
    if (route.startsWith(name)) element.setAttribute('aria-current', 'page');
    else element.removeAttribute('aria-current');
  }
  const view = route.startsWith('case/') ? caseView(decodeURIComponent(route.slice(5))) : route === 'history' ? historyView(params) : queueView(params);
  view.catch((failure: unknown) => {
    if (failure instanceof ApiFailure && failure.status === 401) return;
    show('Something went wrong', h('p', { class: 'error', role: 'alert' }, failure instanceof Error ? failure.message : String(failure)), h('a', { href: '#/queue' }, 'Back to the queue'));
  });
}

document.getElementById('sign-out')!.addEventListener('click', () => {
  void (async () => {
    const leaving = leaveView;
    leaveView = undefined;
    await leaving?.();
    await api('DELETE', '/console/session').catch(() => undefined);
    session = null;
    history.replaceState(null, '', '/console');
    signInView('Signed out.');
  })();
});
window.addEventListener('hashchange', render);

void (async () => {
  try {
    session = await api<Session>('GET', '/console/session');
  } catch {
    session = null;
  }
  render();
})();
