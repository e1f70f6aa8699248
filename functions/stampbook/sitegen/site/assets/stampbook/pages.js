// The site's pages beyond the forms.
// - Tables wider than a phone scroll sideways inside their frame: the frame
//   is then a region a keyboard can reach and scroll, named after the section
//   it is in, and site.css shades the edge that has more to show.
// - An archived newsletter's frame grows to the email's height, so the page
//   scrolls as one.
(function () {
  "use strict";

  function sectionName(frame) {
    var node = frame;
    while (node && node.previousElementSibling === null) { node = node.parentElement; }
    for (node = node && node.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) { return node.textContent.trim(); }
    }
    return document.title;
  }

  function mark(frame) {
    var scrolls = frame.scrollWidth > frame.clientWidth + 1;
    frame.classList.toggle("sb-scrolls", scrolls);
    if (scrolls) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      frame.setAttribute("aria-label", sectionName(frame));
    } else {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
    }
  }

  function markAll() {
    document.querySelectorAll(".md-typeset__scrollwrap, .sb-table").forEach(mark);
  }

  function fit(frame) {
    try {
      var inside = frame.contentDocument && frame.contentDocument.documentElement;
      if (inside) { frame.style.height = inside.scrollHeight + "px"; }
    } catch (e) { /* another origin: the frame keeps its own height and scrolls */ }
  }

  document.querySelectorAll("iframe.sb-issue").forEach(function (frame) {
    frame.addEventListener("load", function () { fit(frame); });
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") { fit(frame); }
    window.addEventListener("resize", function () { fit(frame); });
  });

  // The theme wraps tables in their frames once the document is ready, after
  // this script has run: mark them when it says the page is there.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(markAll);
  } else {
    window.addEventListener("load", markAll);
  }
  window.addEventListener("resize", markAll);
})();
