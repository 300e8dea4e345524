// Progressive enhancement: full-text search with Pagefind's index, built
// from this site after every build, one index per language (the page's
// lang). Everything loads from this site. Without JavaScript, or opened
// from a file, the page keeps its list of places to browse instead.
const root = document.getElementById("search");
const form = root.querySelector("form");
const results = root.querySelector(".search-results");
const fallback = document.querySelector(".search-fallback");
const script = new URL(root.dataset.pagefind, document.baseURI);

try {
  const pagefind = await import(script.href);
  await pagefind.options({ baseUrl: new URL("..", script).pathname });
  form.hidden = false;
  fallback.hidden = true;
  const query = new URLSearchParams(location.search).get("q");
  const field = form.querySelector("input");
  const show = async (text) => {
    const search = await pagefind.search(text);
    const found = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
    results.replaceChildren(...found.map((page) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = page.url;
      link.textContent = page.meta.title || page.url;
      const excerpt = document.createElement("p");
      excerpt.textContent = page.excerpt.replace(/<[^>]*>/g, "");
      item.append(link, excerpt);
      return item;
    }));
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
