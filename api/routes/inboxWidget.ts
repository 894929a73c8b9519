/**
 * `GET /inbox/v1/widget.js`: a dependency-free custom element a web page embeds with the user's
 * inbox token (made by the page's own backend with POST /v1/users/:userId/inbox-token):
 *   <script src="https://notify.example.com/inbox/v1/widget.js"></script>
 *   <notify-inbox token="ibx1...." api="https://notify.example.com"></notify-inbox>
 * A bell with the unread count, a list, click to mark read (and follow the url), live over SSE.
 * Text is set with textContent only: item content never becomes markup.
 */
export const INBOX_WIDGET_JS = String.raw`(() => {
  if (customElements.get('notify-inbox')) return;
  const css = ':host{position:relative;display:inline-block;font:14px system-ui,sans-serif}'
    + 'button.bell{position:relative;border:0;background:none;font-size:22px;cursor:pointer;padding:4px 8px}'
    + '.count{position:absolute;top:0;right:0;min-width:18px;padding:0 4px;border-radius:9px;background:#d33;color:#fff;font-size:12px;line-height:18px;text-align:center}'
    + '.count[data-zero]{display:none}'
    + '.panel{position:absolute;right:0;width:320px;max-height:420px;overflow:auto;background:#fff;border:1px solid #ccc;border-radius:6px;box-shadow:0 4px 16px #0002;z-index:1000}'
    + '.panel[hidden]{display:none}ul{list-style:none;margin:0;padding:0}'
    + 'li{padding:10px 12px;border-bottom:1px solid #eee;cursor:pointer}li.unread{background:#eef5ff;font-weight:600}'
    + 'li .body{font-weight:400;color:#444;margin-top:2px}.empty{padding:12px;color:#777}';
  class NotifyInbox extends HTMLElement {
    connectedCallback() {
      this.api = (this.getAttribute('api') || location.origin).replace(/\/$/, '');
      this.token = this.getAttribute('token') || '';
      this.items = [];
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<style>' + css + '</style><button class="bell" part="bell" aria-label="Notifications"><svg width="22" height="22" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/></svg><span class="count" data-zero>0</span></button><div class="panel" part="panel" hidden><ul></ul></div>';
      this.countEl = root.querySelector('.count');
      this.panel = root.querySelector('.panel');
      this.list = root.querySelector('ul');
      root.querySelector('.bell').addEventListener('click', () => { this.panel.hidden = !this.panel.hidden; });
      this.load().then(() => this.listen());
    }
    disconnectedCallback() { if (this.source) this.source.close(); }
    headers() { return { authorization: 'Bearer ' + this.token, 'content-type': 'application/json' }; }
    async load() {
      const res = await fetch(this.api + '/inbox/v1/items?limit=50', { headers: this.headers() });
      if (!res.ok) return;
      const page = await res.json();
      this.items = page.items;
      this.setUnread(page.unread);
      this.render();
    }
    listen() {
      this.source = new EventSource(this.api + '/inbox/v1/stream?token=' + encodeURIComponent(this.token));
      this.source.addEventListener('item', (e) => {
        const item = JSON.parse(e.data);
        if (this.items.some((i) => i.id === item.id)) return;
        this.items.unshift(item);
        this.render();
        this.dispatchEvent(new CustomEvent('notify-inbox:item', { detail: item }));
      });
      this.source.addEventListener('unread', (e) => this.setUnread(JSON.parse(e.data).unread));
    }
    setUnread(n) {
      this.unread = n;
      this.countEl.textContent = n > 99 ? '99+' : String(n);
      if (n > 0) this.countEl.removeAttribute('data-zero'); else this.countEl.setAttribute('data-zero', '');
      this.setAttribute('unread', String(n));
    }
    async markRead(item) {
      if (item.readAt) return;
      item.readAt = new Date().toISOString();
      this.render();
      const res = await fetch(this.api + '/inbox/v1/items/read', { method: 'POST', headers: this.headers(), body: JSON.stringify({ ids: [item.id] }) });
      if (res.ok) this.setUnread((await res.json()).unread);
    }
    render() {
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
        const title = document.createElement('div');
        title.className = 'title';
        title.textContent = item.title;
        const body = document.createElement('div');
        body.className = 'body';
        body.textContent = item.body;
        li.append(title, body);
        li.addEventListener('click', async () => {
          await this.markRead(item);
          if (item.url && /^https?:/i.test(item.url)) window.open(item.url, '_blank', 'noopener');
        });
        this.list.append(li);
      }
    }
  }
  customElements.define('notify-inbox', NotifyInbox);
})();
`;
