// Progressive enhancement only: every page works without this file.
(function () {
    "use strict";
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
    if (!zone) return;

    // The server reads the viewer's zone from this cookie to show times in it.
    if (document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
        document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }

    function fillZones(root) {
        root.querySelectorAll("input[data-detect-zone]").forEach(function (input) {
            if (!input.value) input.value = zone;
        });
    }
    document.addEventListener("DOMContentLoaded", function () { fillZones(document); });
    document.addEventListener("htmx:load", function (evt) { fillZones(evt.target); });
})();
