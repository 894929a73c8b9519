import { INBOX_WIDGET_CSS } from './inboxWidgetCss.ts';

/**
 * `GET /inbox/v1/widget.js`: a dependency-free custom element a web page embeds with the user's
 * inbox token (made by the page's own backend with POST /v1/users/:userId/inbox-token):
 *   <script src="https://notify.example.com/inbox/v1/widget.js"></script>
 *   <notify-inbox token="ibx1...." api="https://notify.example.com"></notify-inbox>
 *
 * A disclosure button (the bell: `aria-expanded`, the unread count in its accessible name) and a
 * panel whose items take one tab stop (roving tabindex: arrows, Home, End; Enter marks read and
 * follows the url; Escape closes and gives focus back to the bell). A 401 shows a visible error and
 * dispatches `notify-inbox:token-expired` (bubbling, composed) once per token so the host page can
 * mint a new one and set the `token` attribute, which reloads the list and reopens the stream.
 * The host element carries `status` (loading | ready | error | expired) and `unread` attributes.
 * Text is set with textContent only: item content never becomes markup.
 */
export const INBOX_WIDGET_JS = String.raw`(() => {
  if (customElements.get('notify-inbox')) return;
  const css = ${JSON.stringify(INBOX_WIDGET_CSS)};
  const bell = '<svg width="22" height="22" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/></svg>';
  const template = '<style>' + css + '</style>'
    + '<button class="bell" part="bell" type="button" aria-expanded="false" aria-controls="panel" aria-label="Notifications">' + bell
    + '<span class="count" part="count" aria-hidden="true" hidden></span></button>'
    + '<div class="panel" id="panel" part="panel" role="region" aria-labelledby="heading" hidden>'
    + '<div class="head"><span id="heading">Notifications</span><button type="button" class="all" hidden>Mark all as read</button></div>'
    + '<p class="error" part="error" role="alert" hidden><span class="message"></span><button type="button" class="retry">Try again</button></p>'
    + '<ul aria-labelledby="heading"></ul></div>'
    + '<div class="sr live" aria-live="polite"></div>';
  const STREAM_RETRY_MS = 5000;

  class NotifyInbox extends HTMLElement {
    static get observedAttributes() { return ['token', 'api']; }
    constructor() {
      super();
      this.items = [];
      this.unread = 0;
      this.focusId = undefined;
      this.generation = 0;
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = template;
      this.bell = root.querySelector('.bell');
      this.countEl = root.querySelector('.count');
      this.panel = root.querySelector('.panel');
      this.list = root.querySelector('ul');
      this.errorEl = root.querySelector('.error');
      this.allButton = root.querySelector('.all');
      this.live = root.querySelector('.live');
      this.bell.addEventListener('click', () => (this.panel.hidden ? this.open() : this.close(false)));
      this.bell.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown' && this.panel.hidden) { e.preventDefault(); this.open(); } });
      root.querySelector('.retry').addEventListener('click', () => this.start());
      this.allButton.addEventListener('click', () => this.markAllRead());
      root.addEventListener('keydown', (e) => this.onKey(e));
      this.onDocumentClick = (e) => { if (!this.panel.hidden && !e.composedPath().includes(this)) this.close(false); };
    }
    connectedCallback() {
      document.addEventListener('click', this.onDocumentClick);
      this.start();
    }
    disconnectedCallback() {
      document.removeEventListener('click', this.onDocumentClick);
      this.generation++;
      this.stopStream();
    }
    attributeChangedCallback(_name, before, after) {
      // A renewed token (or another API): reload the list and reopen the stream with it.
      if (before !== after && this.isConnected) this.schedule();
    }
    schedule() {
      // Both attributes may change in one task: one reload, not two.
      if (this.pending) return;
      this.pending = true;
      queueMicrotask(() => {
        this.pending = false;
        // Changes within one task may end where they began: only a real change reloads.
        if (this.isConnected && ((this.getAttribute('token') || '') !== this.token || this.apiOf() !== this.api)) this.start();
      });
    }
    apiOf() { return (this.getAttribute('api') || location.origin).replace(/\/$/, ''); }
    start() {
      this.generation++;
      this.stopStream();
      this.api = this.apiOf();
      this.token = this.getAttribute('token') || '';
      this.showError(undefined);
      if (!this.token) return this.expired('missing');
      this.setStatus('loading');
      const generation = this.generation;
      this.load().then((ok) => { if (ok && generation === this.generation) this.listen(); });
    }
    setStatus(status) {
      this.status = status;
      this.setAttribute('status', status);
      this.updateBell();
    }
    headers() { return { authorization: 'Bearer ' + this.token, 'content-type': 'application/json' }; }
    /** One request: the JSON answer, or undefined once the failure is shown (a 401 also tells the host). */
    async call(path, init) {
      const generation = this.generation;
      let res;
      try {
        res = await fetch(this.api + path, Object.assign({}, init, { headers: this.headers() }));
      } catch {
        if (generation === this.generation) this.failed('Notifications cannot be reached right now.');
        return undefined;
      }
      // Answers to a token that has since been replaced are not this token's business.
      if (generation !== this.generation) return undefined;
      if (res.status === 401) {
        const body = await res.json().catch(() => ({}));
        this.expired(body && body.message === 'inbox token expired' ? 'expired' : 'invalid');
        return undefined;
      }
      if (!res.ok) {
        this.failed('Notifications are unavailable right now (' + res.status + ').');
        return undefined;
      }
      return res.json();
    }
    async load() {
      const page = await this.call('/inbox/v1/items?limit=50');
      if (!page) return false;
      this.items = page.items;
      this.setStatus('ready');
      this.setUnread(page.unread);
      this.render();
      return true;
    }
    listen() {
      const generation = this.generation;
      const source = new EventSource(this.api + '/inbox/v1/stream?token=' + encodeURIComponent(this.token));
      this.source = source;
      source.addEventListener('item', (e) => {
        const item = JSON.parse(e.data);
        if (this.items.some((i) => i.id === item.id)) return;
        this.items.unshift(item);
        this.render();
        this.live.textContent = 'New notification: ' + item.title;
        this.dispatchEvent(new CustomEvent('notify-inbox:item', { detail: item, bubbles: true, composed: true }));
      });
      source.addEventListener('unread', (e) => this.setUnread(JSON.parse(e.data).unread));
      source.addEventListener('error', () => {
        // CONNECTING: the browser reconnects by itself (Last-Event-ID replays what was missed).
        // CLOSED: the server refused the stream (401, 429): ask the list route why, then try again.
        if (source.readyState !== EventSource.CLOSED || generation !== this.generation) return;
        this.stopStream();
        this.retryTimer = setTimeout(() => {
          if (generation !== this.generation) return;
          this.load().then((ok) => { if (ok && generation === this.generation) this.listen(); });
        }, this.status === 'ready' ? STREAM_RETRY_MS : 0);
      });
    }
    stopStream() {
      clearTimeout(this.retryTimer);
      if (this.source) this.source.close();
      this.source = undefined;
    }
    expired(reason) {
      this.stopStream();
      this.setStatus('expired');
      this.showError(reason === 'missing' ? 'Notifications need a sign-in.' : 'Your notifications session has expired.', false);
      // Once per token: the host renews by setting a new token attribute, which starts over.
      if (this.expiredToken === this.token) return;
      this.expiredToken = this.token;
      this.dispatchEvent(new CustomEvent('notify-inbox:token-expired', { detail: { reason }, bubbles: true, composed: true }));
    }
    failed(message) {
      this.setStatus('error');
      this.showError(message, true);
    }
    showError(message, retry) {
      this.errorEl.hidden = message === undefined;
      this.errorEl.querySelector('.message').textContent = message || '';
      this.errorEl.querySelector('.retry').hidden = !retry;
    }
    setUnread(n) {
      this.unread = n;
      this.setAttribute('unread', String(n));
      this.updateBell();
    }
    updateBell() {
      const broken = this.status === 'error' || this.status === 'expired';
      const n = this.unread;
      this.countEl.hidden = !broken && !(n > 0);
      this.countEl.classList.toggle('alert', broken);
      this.countEl.textContent = broken ? '!' : n > 99 ? '99+' : String(n);
      this.bell.setAttribute('aria-label', broken ? 'Notifications, unavailable' : 'Notifications, ' + (n > 0 ? n + ' unread' : 'no unread'));
      this.allButton.hidden = broken || !(n > 0);
    }
    open() {
      this.panel.hidden = false;
      this.bell.setAttribute('aria-expanded', 'true');
      const current = this.itemButtons()[this.focusIndex()];
      if (current) current.focus();
    }
    close(returnFocus) {
      this.panel.hidden = true;
      this.bell.setAttribute('aria-expanded', 'false');
      if (returnFocus) this.bell.focus();
    }
    itemButtons() { return Array.from(this.list.querySelectorAll('button.item')); }
    focusIndex() { return Math.max(0, this.items.findIndex((i) => i.id === this.focusId)); }
    onKey(e) {
      if (e.key === 'Escape' && !this.panel.hidden) {
        e.preventDefault();
        e.stopPropagation();
        return this.close(true);
      }
      const buttons = this.itemButtons();
      const at = buttons.indexOf(e.target);
      if (at < 0) return;
      const to = { ArrowDown: Math.min(at + 1, buttons.length - 1), ArrowUp: Math.max(at - 1, 0), Home: 0, End: buttons.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      this.rove(to, true);
    }
    /** One tab stop for the whole list: the current item has tabindex 0, the others -1. */
    rove(index, focus) {
      const buttons = this.itemButtons();
      buttons.forEach((b, i) => b.setAttribute('tabindex', i === index ? '0' : '-1'));
      this.focusId = this.items[index] && this.items[index].id;
      if (focus && buttons[index]) buttons[index].focus();
    }
    async markRead(item) {
      if (item.readAt) return;
      item.readAt = new Date().toISOString();
      this.render();
      const generation = this.generation;
      const answer = await this.call('/inbox/v1/items/read', { method: 'POST', body: JSON.stringify({ ids: [item.id] }) });
      if (answer) return this.setUnread(answer.unread);
      // Not recorded: show it unread again rather than a read the platform never saw.
      if (generation === this.generation) {
        item.readAt = null;
        this.render();
      }
    }
    async markAllRead() {
      const now = new Date().toISOString();
      for (const item of this.items) if (!item.readAt) item.readAt = now;
      this.render();
      const answer = await this.call('/inbox/v1/items/read', { method: 'POST', body: JSON.stringify({ all: true }) });
      if (answer) this.setUnread(answer.unread);
    }
    render() {
      // Rebuilt on every change: keep the keyboard user on the same item, not the same index.
      const hadFocus = this.list.contains(this.shadowRoot.activeElement);
      this.list.textContent = '';
      if (this.items.length === 0) {
        const li = document.createElement('li');
        li.className = 'empty';
        li.textContent = 'No notifications';
        this.list.append(li);
        return;
      }
      for (const item of this.items) {
        const li = document.createElement('li');
        li.className = item.readAt ? 'read' : 'unread';
        li.dataset.id = item.id;
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'item';
        const title = document.createElement('div');
        title.className = 'title';
        if (!item.readAt) {
          // Not by colour alone: a dot to see, a word to hear.
          const sr = document.createElement('span');
          sr.className = 'sr';
          sr.textContent = 'Unread: ';
          const dot = document.createElement('span');
          dot.className = 'dot';
          dot.setAttribute('aria-hidden', 'true');
          button.append(sr);
          title.append(dot);
        }
        title.append(document.createTextNode(item.title));
        const body = document.createElement('div');
        body.className = 'body';
        body.textContent = item.body;
        button.append(title, body);
        button.addEventListener('click', async () => {
          this.rove(this.items.indexOf(item), false);
          await this.markRead(item);
          if (item.url && /^https?:/i.test(item.url)) window.open(item.url, '_blank', 'noopener');
        });
        li.append(button);
        this.list.append(li);
      }
      this.rove(this.focusIndex(), hadFocus);
    }
  }
  customElements.define('notify-inbox', NotifyInbox);
})();
`;
