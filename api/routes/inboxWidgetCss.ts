/**
 * The widget's shadow-DOM style. The badge sits beside the bell icon, never on it (a count over
 * the glyph hid the bell at small sizes); colours keep WCAG AA contrast (4.5:1) on white and on
 * the unread tint; every focusable part shows a visible focus ring.
 */
export const INBOX_WIDGET_CSS = [
  ':host{position:relative;display:inline-block;font:14px system-ui,sans-serif;color:#1b1b1b}',
  '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
  'button{font:inherit;color:inherit}',
  ':focus-visible{outline:2px solid #1a5fb4;outline-offset:2px}',
  'button.bell{display:inline-flex;align-items:flex-start;gap:2px;border:0;background:none;cursor:pointer;padding:4px 6px;border-radius:6px;min-height:32px}',
  'button.bell svg{flex:none;margin-top:4px}',
  '.count{min-width:18px;padding:0 5px;border-radius:9px;background:#b3261e;color:#fff;font-size:12px;font-weight:600;line-height:18px;text-align:center}',
  '.count[hidden]{display:none}',
  '.count.alert{background:#8a4b00}',
  '.panel{position:absolute;right:0;top:100%;margin-top:4px;width:320px;max-width:calc(100vw - 16px);max-height:420px;overflow:auto;background:#fff;border:1px solid #8c8c8c;border-radius:6px;box-shadow:0 4px 16px #0003;z-index:1000}',
  '.panel[hidden]{display:none}',
  '.head{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;border-bottom:1px solid #ddd;font-weight:600}',
  '.head button{border:0;background:none;color:#1a5fb4;cursor:pointer;padding:4px;font-weight:400;text-decoration:underline}',
  '.head button[hidden]{display:none}',
  'ul{list-style:none;margin:0;padding:0}',
  'li{border-bottom:1px solid #eee}',
  'li button.item{display:block;width:100%;text-align:left;border:0;background:#fff;padding:10px 12px;cursor:pointer}',
  'li button.item:hover{background:#f3f3f3}',
  'li button.item:focus-visible{outline-offset:-3px}',
  'li.unread button.item{background:#eef5ff}',
  'li.unread .title{font-weight:600}',
  '.body{color:#404040;margin-top:2px}',
  '.dot{display:inline-block;width:8px;height:8px;border-radius:4px;background:#1a5fb4;margin-right:6px;vertical-align:middle}',
  '.empty{padding:12px;color:#595959}',
  '.error{margin:0;padding:10px 12px;background:#fdecea;color:#7a1a12;border-bottom:1px solid #f5c2bd}',
  '.error[hidden]{display:none}',
  '.error button{margin-left:8px;border:1px solid #7a1a12;background:#fff;color:#7a1a12;border-radius:4px;padding:2px 8px;cursor:pointer}',
  '.error button[hidden]{display:none}',
].join('');
