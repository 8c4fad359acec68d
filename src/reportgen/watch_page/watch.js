// The preview of reportgen watch: shows the pages as images, swaps the changed ones when the server says so
// (server-sent events), shows mistakes above the last good pages, and says on hover what each number is.
"use strict";

(() => {
  const pages = document.getElementById("pages");
  const statusText = document.getElementById("status-text");
  const statusBar = document.getElementById("status");
  const pdfLink = document.getElementById("pdf-link");
  const problemBox = document.getElementById("problems");
  const problemList = document.getElementById("problem-list");
  const warningBox = document.getElementById("warnings");
  const warningList = document.getElementById("warning-list");
  const warningTitle = document.getElementById("warning-title");
  const tooltip = document.getElementById("tooltip");

  const shown = []; // per page (from 0): the version of the image on screen
  let userScrolled = false; // since the last update: then the view stays where the reader put it
  let running = false;
  let again = false;

  for (const name of ["wheel", "touchmove", "keydown"]) {
    window.addEventListener(name, () => { userScrolled = true; }, { passive: true });
  }

  async function refresh() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const response = await fetch("/state", { cache: "no-store" });
        await show(await response.json());
      } while (again);
      statusBar.classList.remove("stale");
    } catch (error) {
      statusBar.classList.add("stale");
    } finally {
      running = false;
    }
  }

  async function show(state) {
    showStatus(state);
    showProblems(state.problems);
    showWarnings(state.warnings);
    while (pages.children.length > state.pages) {
      pages.lastElementChild.remove();
    }
    shown.length = Math.min(shown.length, state.pages);
    const changed = [];
    for (let index = 0; index < state.pages; index += 1) {
      if (shown[index] !== state.page_versions[index]) {
        changed.push(index);
      }
    }
    await Promise.all(changed.map((index) => showPage(index, state.page_versions[index], state.sizes[index])));
    if (changed.length > 0 && !userScrolled) {
      reveal(pages.children[changed[0]]);
    }
    if (changed.length > 0) {
      userScrolled = false;
    }
  }

  function showStatus(state) {
    const time = state.updated ? new Date(state.updated * 1000).toLocaleTimeString("de-DE") : "–";
    const pdf = state.pdf_version === state.version ? "" : " · PDF wird geschrieben …";
    statusText.textContent = state.version > 0
      ? `Fassung ${state.version} · ${state.pages} Seiten · aktualisiert ${time}${pdf}`
      : (state.error ? "Noch keine fehlerfreie Fassung" : "Die Vorschau wird erstellt …");
    pdfLink.hidden = state.pdf_version === 0;
    pdfLink.href = `/report.pdf?v=${state.pdf_version}`;
    pdfLink.textContent = `PDF öffnen (Fassung ${state.pdf_version})`;
  }

  function showProblems(problems) {
    problemList.replaceChildren(...problems.map(problemItem));
    problemBox.hidden = problems.length === 0;
  }

  // Warnings stand apart from mistakes: the pages were built, but something deserves a look.
  function showWarnings(warnings) {
    warningList.replaceChildren(...warnings.map(problemItem));
    warningTitle.textContent = warnings.length === 1 ? "1 Warnung" : `${warnings.length} Warnungen`;
    warningBox.hidden = warnings.length === 0;
  }

  function problemItem(problem) {
    const item = document.createElement("li");
    const place = document.createElement("span");
    place.className = "place";
    place.textContent = problem.file
      ? `${problem.file}${problem.line ? `, Zeile ${problem.line}` : ""}: `
      : "";
    const message = document.createElement("span");
    message.className = "message";
    message.textContent = problem.message;
    const hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = problem.hint;
    item.append(place, message, hint);
    return item;
  }

  function pageElement(index, size) {
    let page = pages.children[index];
    if (!page) {
      page = document.createElement("div");
      page.className = "page";
      page.dataset.page = String(index + 1);
      const image = document.createElement("img");
      image.alt = `Seite ${index + 1}`;
      const numbers = document.createElement("div");
      numbers.className = "numbers";
      page.append(image, numbers);
      pages.append(page);
    }
    page.style.aspectRatio = `${size[0]} / ${size[1]}`;
    return page;
  }

  // The new image is loaded and decoded first, then swapped in: the old one stays until then (no flicker).
  async function showPage(index, version, size) {
    const page = pageElement(index, size);
    const image = new Image();
    image.src = `/page/${index + 1}.png?v=${version}`;
    image.alt = `Seite ${index + 1}`;
    try {
      await image.decode();
    } catch (error) {
      return; // a newer version replaced it meanwhile; the next refresh shows that one
    }
    const numbers = await (await fetch(`/numbers/${index + 1}.json`, { cache: "no-store" })).json();
    page.querySelector("img").replaceWith(image);
    page.querySelector(".numbers").replaceWith(numberLayer(numbers));
    page.dataset.version = String(version);
    shown[index] = version;
  }

  // Boxes over the numbers, placed in percent of the page, so they scale with the image.
  function numberLayer(page) {
    const layer = document.createElement("div");
    layer.className = "numbers";
    for (const number of page.numbers) {
      const box = document.createElement("span");
      box.className = "number";
      box.style.left = `${(100 * number.x) / page.width}%`;
      box.style.top = `${(100 * number.y) / page.height}%`;
      box.style.width = `${(100 * number.width) / page.width}%`;
      box.style.height = `${(100 * number.height) / page.height}%`;
      box.dataset.text = number.text;
      box.dataset.provenance = number.provenance;
      box.setAttribute("aria-label", `${number.text}: ${number.provenance}`);
      box.addEventListener("mouseenter", () => showTooltip(box));
      box.addEventListener("mouseleave", hideTooltip);
      layer.append(box);
    }
    return layer;
  }

  function showTooltip(box) {
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = box.dataset.text;
    tooltip.replaceChildren(value, document.createTextNode(` ${box.dataset.provenance}`));
    tooltip.hidden = false;
    const place = box.getBoundingClientRect();
    const width = tooltip.offsetWidth;
    const height = tooltip.offsetHeight;
    tooltip.style.left = `${Math.max(4, Math.min(place.left, window.innerWidth - width - 4))}px`;
    const below = place.bottom + 6;
    tooltip.style.top = `${below + height < window.innerHeight ? below : Math.max(4, place.top - height - 6)}px`;
  }

  function hideTooltip() {
    tooltip.hidden = true;
  }

  function reveal(page) {
    const place = page.getBoundingClientRect();
    if (place.bottom < 0 || place.top > window.innerHeight) {
      page.scrollIntoView({ block: "start" });
    }
  }

  const events = new EventSource("/events");
  for (const kind of ["preview", "pdf", "error", "recovered"]) {
    events.addEventListener(kind, refresh);
  }
  events.addEventListener("open", refresh);
  events.addEventListener("error", () => statusBar.classList.add("stale"));
  refresh();
})();
