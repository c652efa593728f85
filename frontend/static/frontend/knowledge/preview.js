// Live preview of a knowledge article: posts the editor form to the preview endpoint and
// swaps in the server-rendered (and server-sanitised) article partial. No dependencies.

const DELAY_MS = 400;

function setUp(form) {
  const target = document.getElementById(form.dataset.previewTarget);
  const pane = target?.closest(".kb-preview-pane");
  const status = pane?.querySelector("[data-preview-status]");
  const button = pane?.querySelector("[data-preview-refresh]");
  if (!target) return;
  let timer = 0;
  let controller = null;

  async function refresh() {
    window.clearTimeout(timer);
    controller?.abort();
    controller = new AbortController();
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      // The HTML comes from our own template; module bodies are sanitised by nh3 on the server.
      const html = await response.text();
      // Parsed through <template>: scripts in it are never run, even if one slipped through.
      const template = document.createElement("template");
      template.innerHTML = html;
      target.replaceChildren(template.content);
      if (status) status.textContent = "";
      target.dispatchEvent(new CustomEvent("kb:preview-updated", { bubbles: true }));
    } catch (error) {
      if (error.name !== "AbortError" && status) status.textContent = form.dataset.previewError;
    } finally {
      target.removeAttribute("aria-busy");
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  button?.addEventListener("click", refresh);
}

for (const form of document.querySelectorAll("form[data-preview-url]")) setUp(form);
