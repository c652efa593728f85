// Search as you type, a combobox with a listbox of results, the article pane.
// Arrow keys choose, Enter opens, Esc goes back from the article to the results.

import { api, fetchHtml, format } from "./api.js";

// The first keystroke after a pause searches at once; while the agent types faster than this,
// the latest query goes out when the interval is over (a newer query aborts an older request).
const MIN_INTERVAL_MS = 80;

// The snippet is HTML from our search with <mark> only; build it from text nodes so nothing
// else in it can become markup.
function snippetNodes(snippet) {
  const nodes = [];
  // An inert <template> decodes the entities and, unlike DOMParser's document, keeps the
  // spaces at the edges of each part (the words between two marks).
  const decoder = document.createElement("template");
  let marked = false;
  for (const part of String(snippet || "").split(/(<\/?mark>)/i)) {
    if (/^<mark>$/i.test(part)) marked = true;
    else if (/^<\/mark>$/i.test(part)) marked = false;
    else if (part) {
      decoder.innerHTML = part;
      const text = decoder.content.textContent || "";
      if (marked) {
        const mark = document.createElement("mark");
        mark.textContent = text;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(text));
      }
    }
  }
  return nodes;
}

export class Search {
  constructor({ labels, searchUrl, articleUrl, onUse }) {
    this.labels = labels;
    this.searchUrl = searchUrl;
    this.articleUrl = articleUrl;
    this.onUse = onUse;
    this.input = document.getElementById("desk-search");
    this.list = document.getElementById("desk-results");
    this.status = document.getElementById("desk-search-status");
    this.article = document.getElementById("desk-article");
    this.results = [];
    this.active = -1;
    this.timer = 0;
    this.lastRun = -Infinity;
    this.controller = null;
    this.input.addEventListener("input", () => this.schedule());
    this.input.addEventListener("keydown", (event) => this.keydown(event));
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("[role=option]");
      if (item) this.open(Number(item.dataset.index));
    });
    this.article.addEventListener("click", (event) => {
      if (event.target.closest("[data-article-back]")) this.back();
      if (event.target.closest("[data-use-article]")) this.use();
    });
    this.article.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.back();
      }
    });
  }

  focus() {
    this.input.focus();
    this.input.select();
  }

  schedule() {
    window.clearTimeout(this.timer);
    const wait = this.lastRun + MIN_INTERVAL_MS - performance.now();
    if (wait <= 0) this.run();
    else this.timer = window.setTimeout(() => this.run(), wait);
  }

  async run() {
    this.lastRun = performance.now();
    const query = this.input.value.trim();
    this.controller?.abort();
    if (!query) {
      this.render([], query);
      this.status.textContent = "";
      return;
    }
    this.controller = new AbortController();
    this.status.textContent = this.labels.searching;
    const url = `${this.searchUrl}?${new URLSearchParams({ q: query, limit: "10" })}`;
    try {
      const data = await api(url, { signal: this.controller.signal });
      if (query !== this.input.value.trim()) return;
      const results = (data && data.results) || [];
      this.render(results, query);
      const confident = results.filter((result) => result.confident).length;
      if (!results.length) this.status.textContent = this.labels.noResults;
      else if (!confident) this.status.textContent = this.labels.noMatch;
      else if (confident === 1) this.status.textContent = this.labels.resultOne;
      else this.status.textContent = format(this.labels.resultCount, { n: confident });
    } catch (error) {
      if (error.name === "AbortError") return;
      this.render([], query);
      this.status.textContent = this.labels.searchUnavailable;
    }
  }

  // ``query``: what the list now shows results for (data-query; tests measure with it).
  // Confident results come first; weak ones follow in a group "Maybe meant" (or stand alone
  // under "No matching article" when none is confident), visibly set apart.
  render(results, query = "") {
    const sure = results.filter((result) => result.confident);
    const weak = results.filter((result) => !result.confident);
    results = [...sure, ...weak];
    this.results = results;
    this.active = results.length ? 0 : -1;
    const items = results.map((result, index) => this.item(result, index));
    const children = items.slice(0, sure.length);
    if (weak.length) {
      const group = document.createElement("li");
      group.setAttribute("role", "group");
      group.className = "desk-results-weak";
      group.setAttribute("aria-labelledby", "desk-results-weak-label");
      const label = document.createElement("div");
      label.id = "desk-results-weak-label";
      label.className = "desk-results-weak-label";
      label.setAttribute("role", "presentation");
      label.textContent = sure.length ? this.labels.maybeMeant : this.labels.noMatchMaybe;
      const inner = document.createElement("ul");
      inner.setAttribute("role", "none");
      inner.append(...items.slice(sure.length));
      group.append(label, inner);
      children.push(group);
    }
    this.list.replaceChildren(...children);
    this.list.dataset.query = query;
    // An empty listbox is not offered to assistive technology (it needs option children).
    this.list.hidden = !results.length || !this.article.hidden;
    this.input.setAttribute("aria-expanded", results.length ? "true" : "false");
    this.highlight();
  }

  item(result, index) {
    const li = document.createElement("li");
    li.id = `desk-result-${index}`;
    li.setAttribute("role", "option");
    li.dataset.index = String(index);
    li.dataset.serviceId = String(result.id);
    li.dataset.confident = result.confident ? "true" : "false";
    if (!result.confident) li.classList.add("desk-result-weak");
    const title = document.createElement("div");
    title.className = "desk-result-title";
    title.textContent = result.title;
    const snippet = document.createElement("div");
    snippet.append(...snippetNodes(result.snippet));
    li.append(title, snippet);
    if (result.department) {
      const dept = document.createElement("div");
      dept.className = "desk-result-dept";
      dept.textContent = typeof result.department === "string" ? result.department : result.department.name || "";
      li.append(dept);
    }
    return li;
  }

  options() {
    return [...this.list.querySelectorAll("[role=option]")];
  }

  highlight() {
    const options = this.options();
    for (const [index, item] of options.entries()) {
      item.setAttribute("aria-selected", index === this.active ? "true" : "false");
    }
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", `desk-result-${this.active}`);
      options[this.active]?.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  keydown(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!this.results.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.results.length) % this.results.length;
      this.highlight();
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      if (this.active >= 0) {
        event.preventDefault();
        this.open(this.active);
      }
    } else if (event.key === "Escape") {
      if (!this.article.hidden) {
        event.preventDefault();
        this.back();
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
        this.render([], "");
        this.status.textContent = "";
      }
    }
  }

  async open(index) {
    const result = this.results[index];
    if (!result) return;
    await this.openArticle(result.id);
  }

  async openArticle(serviceId) {
    try {
      const html = await fetchHtml(this.articleUrl.replace("{id}", String(serviceId)));
      // Our own template; module bodies are sanitised by nh3 on the server.
      this.article.innerHTML = html;
    } catch {
      this.article.textContent = this.labels.articleError;
    }
    this.list.hidden = true;
    this.article.hidden = false;
    const use = this.article.querySelector("[data-use-article]");
    (use || this.article).focus();
  }

  back() {
    this.article.hidden = true;
    this.list.hidden = !this.results.length;
    this.input.focus();
  }

  use() {
    const bar = this.article.querySelector("[data-service-id]");
    if (!bar) return;
    this.onUse({
      id: Number(bar.dataset.serviceId),
      title: bar.dataset.serviceTitle,
      defaultDepartment: bar.dataset.defaultDepartment || "",
    });
  }
}
