// Progressive enhancement: a "Drucken" button where JavaScript runs (without it, the page says to use Ctrl+P).
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
