/* Starts ReDoc on /api/redoc/ (templates/api/redoc.html) under the Content Security Policy, with no inline script.
   - The schema's URL comes from this script's data-schema-url, the nonce from its own nonce attribute (read as the
     `nonce` property: browsers hide the attribute): ReDoc gives it to the <style> elements it adds.
   - ReDoc's side menu draws Redocly's logo from their CDN; the policy loads no third-party image, so the request
     is never made: the image gets an empty data: URL instead, fails, and ReDoc hides it (the link text stays). */
(function () {
  "use strict";
  var script = document.currentScript;
  var redocly = /^https:\/\/cdn\.redoc\.ly\//;
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, redocly.test(String(value)) ? "data:," : value);
    },
  });
  Redoc.init(script.dataset.schemaUrl, { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
