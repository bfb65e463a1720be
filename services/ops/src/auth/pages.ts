/** Text safe inside HTML (messages may quote claims a token carried). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal page for the login's answers (refusals, logged out); `html` is trusted markup, `text` is escaped. */
export function page(title: string, text: string, link?: { href: string; label: string }, html = ''): string {
  return `<!doctype html><meta charset="utf-8"><title>Switchboard · ${escapeHtml(title)}</title><body style="font-family:system-ui;margin:3rem">`
    + `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${link ? `<p><a href="${link.href}">${escapeHtml(link.label)}</a></p>` : ''}${html}</body>`;
}
