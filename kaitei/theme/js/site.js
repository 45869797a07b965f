// The only script of the site, and an optional one: every page works without it.
// Ids are the same in every language, so the language switcher keeps the reader's place by
// carrying the current fragment (#art-4-para-2) over to the other language's page.
(function () {
  "use strict";
  function follow(event) {
    var link = event.target.closest ? event.target.closest("#lang-switcher a[hreflang]") : null;
    if (link && window.location.hash) {
      link.href = link.href.split("#")[0] + window.location.hash;
    }
  }
  // A link followed with the keyboard fires "click" too.
  document.addEventListener("click", follow);
})();
