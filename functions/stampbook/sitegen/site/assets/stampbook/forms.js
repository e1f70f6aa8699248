// The site's forms: small, dependency-free, calling the Stampbook API.
// Each <form data-sb-form> names its endpoint and method and carries its
// messages in the page's language (data-msg-*). Errors come back as
// {"error": {"code", "message", "field"}}; a field error is shown next to the
// field, which is marked aria-invalid and focused.
(function () {
  "use strict";

  var token = new URLSearchParams(window.location.search).get("t") || "";
  // How long a public form (one with the hidden "website" field) was open:
  // the API takes a very fast one for a bot.
  var shownAt = Date.now();

  function msg(form, key) {
    return form.getAttribute("data-msg-" + key) || "";
  }

  // The API's refusals by code, in the page's language (a JSON block the
  // page carries): the envelope's own message is English, for developers.
  var refusals = (function () {
    var block = document.getElementById("sb-errors");
    try { return block ? JSON.parse(block.textContent) : {}; } catch (e) { return {}; }
  }());
  // Codes about the email link the page was opened from.
  var LINK_CODES = ["token_required", "invalid_token", "expired_token"];

  function url(form) {
    var base = form.getAttribute("data-api");
    var path = form.getAttribute("data-endpoint");
    var method = form.getAttribute("data-method") || "POST";
    var address = base.replace(/\/?$/, "/") + path;
    if (method === "GET" && token) {
      address += "?t=" + encodeURIComponent(token);
    }
    return address;
  }

  function status(form, text, kind) {
    var box = form.querySelector(".sb-status");
    box.textContent = text;
    box.className = "sb-status" + (kind ? " sb-status--" + kind : "");
  }

  // Focus on the form's message, so a screen reader reads it and the
  // keyboard's place is not lost with a button that went away.
  function announce(form) {
    var box = form.querySelector(".sb-status");
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  function errorSlot(form, name) {
    var input = form.querySelector('[name="' + name + '"]');
    var slot = input && document.getElementById(input.getAttribute("aria-describedby") ||
      ("sb-" + name + "-error"));
    return { input: input, slot: slot };
  }

  function clearErrors(form) {
    form.querySelectorAll(".sb-error").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    status(form, "", "");
  }

  function fieldError(form, name, text) {
    var found = errorSlot(form, name);
    if (!found.input || !found.slot) {
      status(form, text, "error");
      return;
    }
    found.input.setAttribute("aria-invalid", "true");
    found.slot.textContent = text;
    found.input.focus();
  }

  // What the browser can check before anything is sent.
  function invalidField(form) {
    var inputs = form.querySelectorAll("input[required], textarea[required]");
    for (var i = 0; i < inputs.length; i += 1) {
      var input = inputs[i];
      if (input.type === "radio") {
        if (!form.querySelector('[name="' + input.name + '"]:checked')) {
          return [input.name, msg(form, "required")];
        }
      } else if (input.type === "checkbox" ? !input.checked : !input.value.trim()) {
        // A box of its own may say what it is for ("accept the terms to join").
        return [input.name, input.getAttribute("data-msg-required") || msg(form, "required")];
      } else if (input.type === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.value.trim())) {
        return [input.name, refusals.invalid_email || msg(form, "failed")];
      }
    }
    return null;
  }

  function body(form) {
    var data = {};
    form.querySelectorAll("input, textarea").forEach(function (input) {
      if (!input.name) { return; }
      if (input.type === "checkbox") {
        if (input.value === "true") {
          data[input.name] = input.checked;
        } else if (input.checked) {
          (data[input.name] = data[input.name] || []).push(input.value);
        } else {
          data[input.name] = data[input.name] || [];
        }
      } else if (input.type === "radio") {
        if (input.checked) { data[input.name] = input.value; }
      } else if (input.value.trim()) {
        data[input.name] = input.value.trim();
      }
    });
    if (form.hasAttribute("data-token")) { data.token = token; }
    if (form.querySelector('input[name="website"]')) { data.fill_ms = Date.now() - shownAt; }
    return data;
  }

  // An answer's value as text: a tier by its name, a certificate by value and code.
  function shown(value) {
    if (value === undefined || value === null || value === "") { return "—"; }
    if (Array.isArray(value)) { return value.length ? value.map(shown).join("; ") : "—"; }
    if (typeof value === "object") {
      return value.name || [value.value, value.code].filter(Boolean).join(" ") || "—";
    }
    return String(value);
  }

  function showResult(form, answer) {
    var result = form.nextElementSibling;
    if (!result || !result.hasAttribute("data-sb-result")) { return; }
    if (answer.shown) { showMember(result, answer.shown); }
    result.querySelectorAll("[data-sb-value]").forEach(function (cell) {
      cell.textContent = shown(answer[cell.getAttribute("data-sb-value")]);
    });
    result.hidden = false;
    // With the page shown, asking for a link by email is no longer the point.
    var intro = document.querySelector("[data-sb-intro]");
    if (intro && answer.shown) { intro.hidden = true; }
  }

  function element(tag, text, className) {
    var made = document.createElement(tag);
    if (text) { made.textContent = text; }
    if (className) { made.className = className; }
    return made;
  }

  var HISTORY_PAGE = 10;

  // The member page: every text comes ready in the page's words (the API's
  // `shown`); this only places it. What the answer leaves empty stays hidden.
  function showMember(result, said) {
    result.querySelectorAll("[data-sb-shown]").forEach(function (place) {
      var value = said[place.getAttribute("data-sb-shown")];
      if (value === null || value === undefined || value === "") { return; }
      if (place.tagName === "PROGRESS") {
        place.value = value;
      } else if (place.tagName === "INPUT") {
        place.value = value;
      } else {
        place.textContent = value;
      }
      place.hidden = false;
    });
    // The card's QR code, drawn by the API from her code (an SVG, nothing fetched).
    result.querySelectorAll("[data-sb-svg]").forEach(function (place) {
      var drawn = said[place.getAttribute("data-sb-svg")] || "";
      if (drawn.indexOf("<svg") === 0 && drawn.indexOf("<script") < 0) { place.innerHTML = drawn; }
    });
    var lists = {
      certificates: function (list, items) {
        items.forEach(function (held) {
          var card = element("li", "", "sb-card");
          card.appendChild(element("strong", held.value, "sb-card__value"));
          card.appendChild(element("span", held.code, "sb-card__code"));
          card.appendChild(element("span", held.until, "sb-card__until"));
          list.querySelector("ul").appendChild(card);
        });
        return items.length;
      },
      rewards: function (list, items) {
        items.forEach(function (reward) {
          list.querySelector("ul").appendChild(element("li", reward.title + " — " + reward.points));
        });
        return items.length;
      },
      history: function (list, items) {
        var body = list.querySelector("tbody");
        var more = list.querySelector("[data-sb-more]");
        var shownSoFar = 0;
        function next() {
          items.slice(shownSoFar, shownSoFar + HISTORY_PAGE).forEach(function (line) {
            var row = document.createElement("tr");
            [line.date, line.what, line.order, line.points].forEach(function (text, n) {
              var cell = element("td", text, n === 3 ? "sb-points" : "");
              row.appendChild(cell);
            });
            body.appendChild(row);
          });
          shownSoFar += HISTORY_PAGE;
          more.hidden = shownSoFar >= items.length;
          more.style.display = more.hidden ? "none" : "";
        }
        more.addEventListener("click", next);
        next();
        return items.length;
      },
      card: function () { return Boolean(said.card_code); },
      invite: function (list) {
        var button = list.querySelector("[data-sb-copy]");
        button.addEventListener("click", function () {
          var field = list.querySelector("input");
          field.select();
          var done = function () { button.textContent = button.getAttribute("data-copied"); };
          if (navigator.clipboard) {
            navigator.clipboard.writeText(field.value).then(done, function () {});
          } else if (document.execCommand("copy")) {
            done();
          }
        });
        return Boolean(said.referral_url);
      }
    };
    Object.keys(lists).forEach(function (name) {
      var list = result.querySelector('[data-sb-list="' + name + '"]');
      if (list && lists[name](list, said[name] || [])) { list.hidden = false; }
    });
  }

  function download(name, answer) {
    var blob = new Blob([JSON.stringify(answer, null, 2)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function answered(form, response, answer) {
    if (response.ok) {
      var name = form.getAttribute("data-sb-form");
      if (name === "export") { download("my-data", answer); }
      showResult(form, answer || {});
      status(form, msg(form, "done"), "done");
      if (name === "preferences") {
        showKept(form, answer || {});  // saved: the form stays, showing what was kept
        return;
      }
      if (msg(form, "done")) {
        form.classList.add("sb-form--done");
        announce(form);  // the button that had focus is gone
      }
      return;
    }
    var error = (answer && answer.error) || {};
    var text = refusals[error.code] || msg(form, "failed");
    if (form.hasAttribute("data-token") && LINK_CODES.indexOf(error.code) >= 0) {
      // A link that expired or was cut short: say so in the page's language and
      // offer a new one where the page can ask for it, the address field open.
      status(form, text, "error");
      var ask = document.querySelector('form[data-sb-form="points-request"]');
      if (ask) {
        ask.hidden = false;
        ask.querySelector('input[type="email"]').focus();
      }
      return;
    }
    status(form, "", "");  // not "Sending…" beside a field's error
    if (error.field) {
      fieldError(form, error.field, text);
    } else {
      status(form, text, "error");
      announce(form);
    }
  }

  function send(form) {
    var method = form.getAttribute("data-method") || "POST";
    var button = form.querySelector("button[type=submit]");
    var request = {
      method: method,
      headers: { "Accept": "application/json", "Accept-Language": document.documentElement.lang }
    };
    if (method !== "GET") {
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body(form));
    }
    button.disabled = true;
    status(form, msg(form, "working"), "");
    return fetch(url(form), request).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        answered(form, response, answer);
      });
    }).catch(function () {
      status(form, msg(form, "offline"), "error");
    }).then(function () {
      button.disabled = false;
    });
  }

  function prepare(form) {
    var needsToken = form.hasAttribute("data-token");
    if (needsToken && !token) {
      // Opened without the email's link: say so, offer nothing that cannot work.
      var note = document.createElement("p");
      note.className = "sb-note";
      note.textContent = msg(form, "no-token");
      form.replaceWith(note);
      return;
    }
    // A friend's sign-up link carries their referral code: shown, and kept editable.
    var ref = new URLSearchParams(window.location.search).get("ref");
    var refInput = form.querySelector('input[name="ref"]');
    if (ref && refInput && !refInput.value) { refInput.value = ref.trim().slice(0, 32); }
    if (!needsToken && token && form.getAttribute("data-sb-form") === "points-request") {
      form.hidden = true;  // with a link, the points are shown instead
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var invalid = invalidField(form);
      if (invalid) {
        fieldError(form, invalid[0], invalid[1]);
        return;
      }
      send(form);
    });
    // Reading the points changes nothing, so the page may fetch them at once
    // (and needs no button to do it).
    if (needsToken && form.getAttribute("data-method") === "GET") {
      form.querySelector("button[type=submit]").style.display = "none";
      send(form);
    }
    // Preferences start from what is kept now, so saving changes only what was changed.
    if (needsToken && form.getAttribute("data-sb-form") === "preferences") { fill(form); }
  }

  function fill(form) {
    var address = url(form) + "?t=" + encodeURIComponent(token);
    fetch(address, { headers: { "Accept": "application/json" } }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (kept) {
      if (kept) { showKept(form, kept); }
    }).catch(function () { /* the form still works; it just starts empty */ });
  }

  // The settings as kept now: on opening, and again after saving, so the form
  // shows what was saved rather than emptying itself.
  function showKept(form, kept) {
    form.querySelectorAll('input[name="interests"]').forEach(function (box) {
      box.checked = (kept.interests || []).indexOf(box.value) >= 0;
    });
    var marketing = form.querySelector('input[name="marketing"]');
    if (marketing) { marketing.checked = Boolean(kept.marketing); }
    form.querySelectorAll('input[name="locale"]').forEach(function (choice) {
      choice.checked = choice.value === kept.locale;
    });
    var birthday = form.querySelector('input[name="birthday"]');
    if (birthday) { birthday.value = kept.birthday || ""; }
  }

  document.querySelectorAll("form[data-sb-form]").forEach(prepare);
})();
