// Progressive enhancement: full-text search with Pagefind's index, built
// from this site after every build, one index per language (the page's
// lang). Everything loads from this site. Without JavaScript, or opened
// from a file, the page keeps its list of places to browse instead.
const root = document.getElementById("search");
const form = root.querySelector("form");
const results = root.querySelector(".search-results");
const fallback = document.querySelector(".search-fallback");
const script = new URL(root.dataset.pagefind, document.baseURI);
// The index was made with Arabic-keyboard letters and digits folded to their
// Persian forms (ي→ی, ك→ک, ٤→۴, no kashida); the query is folded the same way,
// with the very table the build used (data-fold), so either spelling finds.
const folding = JSON.parse(root.dataset.fold || "{}");
const fold = (text) => Array.from(text.normalize("NFC"), (c) => folding[c] ?? c).join("");

try {
  const pagefind = await import(script.href);
  await pagefind.options({ baseUrl: new URL("..", script).pathname });
  form.hidden = false;
  fallback.hidden = true;
  const query = new URLSearchParams(location.search).get("q");
  const field = form.querySelector("input");
  const show = async (text) => {
    const search = await pagefind.search(fold(text));
    const found = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
    results.replaceChildren(...found.map((page) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = page.url;
      link.textContent = page.meta.title || page.url;
      const excerpt = document.createElement("p");
      // Pagefind marks the words found with <mark>; keep only the text.
      const parsed = new DOMParser().parseFromString(page.excerpt, "text/html");
      excerpt.textContent = parsed.body.textContent.replace(/\s+/g, " ").trim();
      item.append(link, excerpt);
      return item;
    }));
    results.classList.toggle("empty", !found.length);
    if (!found.length) {
      const none = document.createElement("li");
      none.textContent = root.dataset.noResults;
      results.replaceChildren(none);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", `?q=${encodeURIComponent(field.value)}`);
    show(field.value);
  });
  if (query) {
    field.value = query;
    show(query);
  }
} catch {
  // No index reachable (file:// or blocked): the browsing list stays visible.
}
