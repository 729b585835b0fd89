/* Evidence catalogue search: the header box and the search page, on Pagefind.
 *
 * Pagefind (pagefind.js, its WebAssembly and the index chunks) is served from
 * the site's own pagefind/ folder and loaded only when a reader starts to
 * search: by focusing the header box or by opening the search page. Nothing
 * runs inline and nothing is requested from another site.
 *
 * The search page keeps the query, the filters and the order in its URL
 * (search/?q=...&section=...&tag=...&sort=newest), so a filtered view can be
 * shared, bookmarked and reloaded. Within one facet the chosen values are
 * alternatives (any of them); across facets all must hold. A facet's values
 * are downloaded only when it is opened (or named in the URL): each is a file
 * that grows with the catalogue, and Pagefind recounts every loaded facet on
 * every search.
 *
 * Results never show an image. A result of an item with a content warning
 * shows that warning before its excerpt. */
(function () {
  "use strict";

  var PAGE_RESULTS = 20;    // results per step on the search page
  var PANEL_RESULTS = 6;    // results in the header panel
  var VISIBLE_VALUES = 10;  // facet values shown before "Show all"
  var TYPING_DELAY = 150;   // ms of quiet typing before a search runs

  var box = document.querySelector("[data-ec-searchbox]");
  var boxForm = box && box.querySelector("form");
  if (!boxForm) return;
  var pageRoot = document.querySelector("[data-ec-search-page]");
  var loading = null;

  // --- Pagefind, loaded once, on demand --------------------------------------

  function pagefind() {
    if (!loading) {
      var url = new URL(boxForm.getAttribute("data-ec-pagefind"), document.baseURI).href;
      loading = import(url).then(function (pf) {
        return pf.options({
          excerptLength: 24,
          // The title already counts most (its heading weight); names and tags next.
          ranking: { metaWeights: { title: 5, speaker: 3, role: 2, tags: 2 } }
        }).then(function () { return pf.init(); }).then(function () { return pf; });
      });
      // A failed load (offline, no index yet) may be retried by the next search.
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function unavailable(status) {
    status.textContent = "Search is not available: the search index could not be loaded.";
  }

  // --- One result ----------------------------------------------------------------

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Pagefind's excerpt is escaped text with <mark> around the matches; copy exactly
  // that (text and <mark>) rather than trusting it as HTML.
  function appendExcerpt(target, html) {
    var parsed = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") target.appendChild(make("mark", "", node.textContent));
      else target.appendChild(document.createTextNode(node.textContent));
    });
  }

  function badge(level, text) {
    var known = ["distressing", "graphic", "withdrawn"].indexOf(level) >= 0;
    return make("strong", "ec-badge" + (known ? " ec-badge--" + level : ""), text);
  }

  function resultItem(data, titleTag) {
    var meta = data.meta || {};
    var item = make("li", "ec-result");
    var heading = make(titleTag, "ec-result__title");
    var link = make("a", "", meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var facts = [meta.date, meta.speaker].filter(Boolean).join(" · ");
    if (facts) item.appendChild(make("p", "ec-result__meta", facts));
    var excerpt = make("p", "ec-result__excerpt");
    if (meta.warning) {
      excerpt.appendChild(badge(meta.warning, "Content warning: " + meta.warning));
      excerpt.appendChild(document.createTextNode(" "));
    }
    if (meta.status === "withdrawn") {
      excerpt.appendChild(badge("withdrawn", "Withdrawn"));
      excerpt.appendChild(document.createTextNode(" "));
    }
    appendExcerpt(excerpt, data.excerpt);
    item.appendChild(excerpt);
    return item;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function isEditable(node) {
    return !!node && (node.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(node.nodeName));
  }

  // --- The header box ---------------------------------------------------------------

  var input = boxForm.querySelector("input[name=q]");
  var panel = box.querySelector(".ec-searchbox__panel");
  var panelStatus = panel.querySelector("[data-ec-status]");
  var panelList = panel.querySelector("[data-ec-results]");
  var panelAll = panel.querySelector("[data-ec-all]");
  var panelRun = 0;
  var panelTimer = null;

  function openPanel() {
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function closePanel() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function searchPageUrl(params) {
    var url = new URL(boxForm.getAttribute("action"), document.baseURI);
    url.search = params.toString();
    return url.href;
  }

  async function searchPanel() {
    var term = input.value.trim();
    var run = ++panelRun;
    if (!term) {
      closePanel();
      return;
    }
    openPanel();
    try {
      var pf = await pagefind();
      var search = await pf.search(term);
      var data = await Promise.all(search.results.slice(0, PANEL_RESULTS).map(function (r) { return r.data(); }));
      if (run !== panelRun) return;  // a newer query is on its way
      panelList.replaceChildren.apply(panelList, data.map(function (d) { return resultItem(d, "p"); }));
      var total = search.results.length;
      panelStatus.textContent = total ? plural(total, "result", "results") : "No results for “" + term + "”.";
      var all = panelAll.querySelector("a");
      all.href = searchPageUrl(new URLSearchParams({ q: term }));
      all.textContent = total > PANEL_RESULTS ? "All " + total + " results, with filters" : "Search with filters";
      panelAll.hidden = false;
    } catch (error) {
      if (run === panelRun) unavailable(panelStatus);
    }
  }

  function panelLinks() {
    return Array.prototype.slice.call(panel.querySelectorAll("a[href]"));
  }

  input.addEventListener("focus", function () { pagefind().catch(function () {}); });
  input.addEventListener("input", function () {
    clearTimeout(panelTimer);
    // No preload of each prefix typed: on a slow link those chunks would be downloads
    // the reader never needed.
    panelTimer = setTimeout(searchPanel, TYPING_DELAY);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !panel.hidden && panelLinks().length) {
      event.preventDefault();
      panelLinks()[0].focus();
    } else if (event.key === "Escape" && !panel.hidden) {
      // The first Escape closes the results and keeps the words (a search input would
      // clear itself); a second one clears them.
      event.preventDefault();
      closePanel();
    }
  });

  panel.addEventListener("keydown", function (event) {
    var links = panelLinks();
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) input.focus();
      else links[Math.min(next, links.length - 1)].focus();
    } else if (event.key === "Escape") {
      closePanel();
      input.focus();
    }
  });

  // The panel closes when focus or a click goes elsewhere.
  box.addEventListener("focusout", function (event) {
    if (!box.contains(event.relatedTarget)) closePanel();
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target)) closePanel();
  });

  // "/" or "s" anywhere outside a field: go to the search box (as in Material).
  document.addEventListener("keydown", function (event) {
    if ((event.key !== "/" && event.key !== "s") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isEditable(event.target) || event.defaultPrevented) return;
    var target = pageRoot ? pageRoot.querySelector("input[name=q]") : input;
    if (!target.offsetParent) {
      // Narrow screens show only the icon: open the search page instead.
      location.href = searchPageUrl(new URLSearchParams());
      return;
    }
    event.preventDefault();
    target.focus();
    target.select();
  });

  if (pageRoot) searchPage(pageRoot);

  // --- The search page --------------------------------------------------------------

  function searchPage(root) {
    var form = root.querySelector("form");
    var query = form.elements.q;
    var sort = form.elements.sort;
    var status = root.querySelector("[data-ec-status]");
    var list = root.querySelector("[data-ec-results]");
    var more = root.querySelector("[data-ec-more]");
    var clear = root.querySelector("[data-ec-clear]");
    var facets = {};  // key → {details, options, built, loading}
    root.querySelectorAll("[data-ec-facet]").forEach(function (details) {
      facets[details.getAttribute("data-ec-facet")] = {
        details: details, options: details.querySelector("[data-ec-options]"), built: false, loading: null
      };
    });
    var keys = Object.keys(facets);
    var state = fromUrl();
    var run = 0;
    var timer = null;
    var results = [];
    var shown = 0;

    root.querySelector("[data-ec-facets]").hidden = false;
    root.querySelector("[data-ec-sort]").hidden = false;
    status.textContent = "Loading the search index…";
    showState();

    function fromUrl() {
      var params = new URLSearchParams(location.search);
      var filters = {};
      keys.forEach(function (key) {
        var values = params.getAll(key).filter(Boolean);
        if (values.length) filters[key] = values;
      });
      var order = params.get("sort");
      return { q: params.get("q") || "", sort: order === "newest" || order === "oldest" ? order : "", filters: filters };
    }

    function toUrl(push) {
      var params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      keys.forEach(function (key) {
        (state.filters[key] || []).forEach(function (v) { params.append(key, v); });
      });
      if (state.sort) params.set("sort", state.sort);
      var url = location.pathname + (params.toString() ? "?" + params.toString() : "");
      if (url === location.pathname + location.search) return;
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    }

    function showState() {
      query.value = state.q;
      sort.value = state.sort;
      keys.forEach(function (key) {
        // A facet in use is open, so its choice can be seen and changed.
        if (state.filters[key]) facets[key].details.open = true;
        facets[key].options.querySelectorAll("input[type=checkbox]").forEach(function (check) {
          check.checked = (state.filters[key] || []).indexOf(check.value) >= 0;
        });
      });
      clear.hidden = !Object.keys(state.filters).length;
    }

    function readForm() {
      state.q = query.value.trim();
      state.sort = sort.value;
      var filters = {};
      keys.forEach(function (key) {
        // A facet not shown yet keeps what the URL chose.
        var values = facets[key].built
          ? Array.prototype.map.call(facets[key].options.querySelectorAll("input:checked"), function (c) { return c.value; })
          : state.filters[key] || [];
        if (values.length) filters[key] = values;
      });
      state.filters = filters;
      clear.hidden = !Object.keys(filters).length;
    }

    function options(except) {
      var filters = {};
      Object.keys(state.filters).forEach(function (key) {
        if (key !== except) filters[key] = { any: state.filters[key] };
      });
      var opts = { filters: filters };
      // Without words there is no best match: newest first, unless asked otherwise.
      var order = state.sort || (state.q ? "" : "newest");
      if (order) opts.sort = { date: order === "oldest" ? "asc" : "desc" };
      return opts;
    }

    async function search() {
      var mine = ++run;
      sort.options[0].textContent = state.q ? "Best match" : "Newest first (no words to match)";
      var pf;
      try {
        pf = await pagefind();
        var found = await pf.search(state.q || null, options());
        if (mine !== run) return;
        results = found.results;
        shown = 0;
        list.replaceChildren();
        await showMore(false, mine);
        if (mine !== run) return;
        announce();
      } catch (error) {
        if (mine === run) unavailable(status);
        return;
      }
      await updateCounts(pf, mine);
    }

    // Results appear one by one as their data arrives, so the first is not kept
    // waiting for the twentieth.
    async function showMore(moveFocus, mine) {
      var pending = results.slice(shown, shown + PAGE_RESULTS).map(function (r) { return r.data(); });
      for (var i = 0; i < pending.length; i++) {
        var item = resultItem(await pending[i], "h2");
        if (mine !== run) return;
        list.appendChild(item);
        shown += 1;
        if (moveFocus && i === 0) item.querySelector("a").focus();
      }
      more.hidden = shown >= results.length;
    }

    function announce() {
      var total = results.length;
      var words = state.q ? " for “" + state.q + "”" : "";
      var filtered = Object.keys(state.filters).length ? " with the chosen filters" : "";
      if (!total) {
        status.textContent = "No items" + words + filtered + ". Try other words, or remove a filter.";
      } else {
        status.textContent = plural(total, "item", "items") + words + filtered
          + (total > shown ? ", showing " + shown : "") + ".";
      }
    }

    // A facet's values load when it is opened: each facet is one download (about
    // 20-50 KB at 10,000 items), so a plain search fetches none of them.
    function openFacet(key) {
      var facet = facets[key];
      if (facet.built || facet.loading) return facet.loading;
      facet.options.textContent = "Loading…";
      facet.loading = pagefind().then(async function (pf) {
        var only = { filters: {} };
        only.filters[key] = [];
        await pf.preload(null, only);
        var counted = await pf.search(state.q || null, options(key));
        buildFacet(key, Object.keys((counted.filters || {})[key] || {}));
        facet.built = true;
        facet.loading = null;
        await updateCounts(pf, run);
      }).catch(function () {
        facet.loading = null;
        facet.options.textContent = "The values of this filter could not be loaded.";
      });
      return facet.loading;
    }

    function buildFacet(key, values) {
      var facet = facets[key];
      (state.filters[key] || []).forEach(function (v) {
        if (values.indexOf(v) < 0) values.push(v);  // a shared link may name a value no longer there
      });
      var labels = JSON.parse(facet.details.getAttribute("data-ec-labels") || "{}");
      sortValues(values, facet.details.getAttribute("data-ec-order"));
      facet.options.replaceChildren();
      if (!values.length) {
        facet.options.textContent = "No item has one.";
        return;
      }
      values.forEach(function (value, i) {
        var id = "ec-facet-" + key + "-" + i;
        var row = make("div", "ec-facet__option");
        if (i >= VISIBLE_VALUES) row.classList.add("ec-facet__option--more");
        var check = make("input");
        check.type = "checkbox";
        check.id = id;
        check.name = key;
        check.value = value;
        check.checked = (state.filters[key] || []).indexOf(value) >= 0;
        var label = make("label", "", labels[value] || value);
        label.htmlFor = id;
        label.appendChild(document.createTextNode(" "));
        label.appendChild(make("span", "ec-facet__count"));
        row.append(check, label);
        facet.options.appendChild(row);
      });
      if (values.length > VISIBLE_VALUES) {
        var toggle = make("button", "ec-facet__toggle", "Show all " + values.length);
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", "false");
        toggle.addEventListener("click", function () {
          var open = facet.details.classList.toggle("ec-facet--all");
          toggle.setAttribute("aria-expanded", String(open));
          toggle.textContent = open ? "Show fewer" : "Show all " + values.length;
        });
        facet.options.appendChild(toggle);
      }
    }

    function sortValues(values, order) {
      if (order === "descending") {
        // Years, newest first; "Unknown" last.
        values.sort(function (a, b) {
          var x = /^\d+$/.test(a), y = /^\d+$/.test(b);
          return x && y ? Number(b) - Number(a) : x ? -1 : y ? 1 : a.localeCompare(b);
        });
      } else if (order) {
        var fixed = order.split(" ");
        values.sort(function (a, b) { return rank(fixed, a) - rank(fixed, b) || a.localeCompare(b); });
      } else {
        values.sort(function (a, b) { return a.localeCompare(b); });
      }
    }

    function rank(fixed, value) {
      var at = fixed.indexOf(value);
      return at < 0 ? fixed.length : at;
    }

    // How many items each value of an open facet would give. For a facet with a
    // choice made, count without that facet's own choice: its values are alternatives.
    async function updateCounts(pf, mine) {
      var open = keys.filter(function (key) { return facets[key].built; });
      if (!open.length) return;
      var counts = {};
      var base = await pf.search(state.q || null, options());
      for (var i = 0; i < open.length; i++) {
        var key = open[i];
        var found = state.filters[key] ? await pf.search(state.q || null, options(key)) : base;
        counts[key] = (found.filters || {})[key] || {};
      }
      if (mine !== run) return;
      open.forEach(function (key) {
        facets[key].options.querySelectorAll("input[type=checkbox]").forEach(function (check) {
          var n = counts[key][check.value] || 0;
          check.parentNode.querySelector(".ec-facet__count").textContent = "(" + n + ")";
          check.parentNode.classList.toggle("ec-facet__option--empty", n === 0 && !check.checked);
        });
      });
    }

    keys.forEach(function (key) {
      facets[key].details.addEventListener("toggle", function () {
        if (facets[key].details.open) openFacet(key);
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      readForm();
      toUrl(true);
      search();
    });
    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        readForm();
        toUrl(false);
        search();
      }, TYPING_DELAY);
    });
    form.addEventListener("change", function (event) {
      if (event.target === query) return;
      readForm();
      toUrl(true);
      search();
    });
    clear.addEventListener("click", function () {
      state.filters = {};
      showState();
      toUrl(true);
      search();
      query.focus();
    });
    more.addEventListener("click", async function () {
      await showMore(true, run);
      announce();
    });
    window.addEventListener("popstate", function () {
      state = fromUrl();
      showState();
      search();
    });

    search();
  }
})();
