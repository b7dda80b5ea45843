/** A self-contained German error page for failures outside Astro's page rendering (no stack trace, ever). */
export function renderErrorPage(status: number, requestId: string, message?: string): Response {
  const text =
    message ?? 'Die Seite konnte nicht geladen werden. Bitte versuchen Sie es in einem Moment erneut.';
  const html = `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Fehler – JMD Partnernetz</title></head>
<body><main><h1>${status === 500 ? 'Etwas ist schiefgegangen' : 'Das hat nicht geklappt'}</h1>
<p>${escapeHtml(text)}</p>
<p>Wenn der Fehler bleibt, nennen Sie der Administration diese Kennung: <code>${requestId.replace(/[^a-f0-9-]/g, '')}</code></p>
<p><a href="/">Zur Startseite</a></p></main></body></html>`;
  return new Response(html, { status, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
