import { h } from './dom.js';

/** The search form (notification id or eventId): it leads to the search page, `#/search?q=`. */
export function searchForm(value = '') {
  const q = h('input', { name: 'q', type: 'search', value, required: true, maxlength: 200, autocomplete: 'off', size: 38 });
  return h(
    'form',
    {
      class: 'row',
      role: 'search',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/search?${new URLSearchParams({ q: q.value.trim() })}`;
      },
    },
    h('label', {}, 'Notification id or eventId', q),
    h('button', { type: 'submit' }, 'Find'),
  );
}
