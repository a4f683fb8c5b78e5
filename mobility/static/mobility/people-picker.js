/* A person picker that follows an organisation picker: a <select data-people-of="ID"> whose options carry
   data-organisation="1 5" keeps only the people of the organisation chosen in the <select id="ID"> (the
   mentor follows the receiving organisation on the mobility form). Without this script every option stays
   and the server refuses a person of another organisation with a field error, showing the right list again. */
(function () {
  "use strict";
  function follow(people) {
    var source = document.getElementById(people.getAttribute("data-people-of"));
    if (!source) {
      return;
    }
    function filter() {
      var chosen = source.value;
      Array.prototype.forEach.call(people.options, function (option) {
        if (!option.value) {
          return; // the empty choice stays
        }
        var orgs = (option.getAttribute("data-organisation") || "").split(" ");
        var keep = !chosen || orgs.indexOf(chosen) !== -1;
        option.hidden = !keep;
        option.disabled = !keep;
        if (!keep && option.selected) {
          people.value = "";
        }
      });
    }
    source.addEventListener("change", filter);
    filter();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-people-of]").forEach(follow);
  });
})();
