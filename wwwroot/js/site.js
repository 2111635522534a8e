// Progressive enhancement only: every page works without this file.
(function () {
    "use strict";
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
    if (!zone) return;

    // The server reads the viewer's zone from this cookie to show times in it.
    var hadCookie = /(?:^|; )tz=/.test(document.cookie);
    if (!hadCookie) {
        document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }

    // A page that had to guess (no zone known yet) is shown again in the detected zone, once.
    document.addEventListener("DOMContentLoaded", function () {
        var body = document.body;
        if (!hadCookie && body.dataset.zoneSource === "Default" && body.dataset.zone !== zone
            && !sessionStorage.getItem("tz-reloaded")) {
            sessionStorage.setItem("tz-reloaded", "1");
            location.reload();
        }
    });

    function fillZones(root) {
        root.querySelectorAll("input[data-detect-zone]").forEach(function (input) {
            if (!input.value) input.value = zone;
        });
    }
    document.addEventListener("DOMContentLoaded", function () { fillZones(document); });
    document.addEventListener("htmx:load", function (evt) { fillZones(evt.target); });
})();
