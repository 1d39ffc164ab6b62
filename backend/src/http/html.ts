// Minimal HTML for the few pages a merchant's browser sees (OAuth result).
const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

export function htmlPage(title: string, message: string, link?: { href: string; label: string }) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1f36}</style>
</head><body><h1>${escape(title)}</h1><p>${escape(message)}</p>${
    link ? `<p><a href="${escape(link.href)}">${escape(link.label)}</a></p>` : ''
  }</body></html>`
}
