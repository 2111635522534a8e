// Progressive enhancement only: every page works without this file.
(function () {
    "use strict";
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
    if (!zone) return;

    // The server reads the viewer's zone from this cookie to show times in it. A zone the visitor
    // picked (the server marks it with "tz-picked") stays; one this script detected earlier is
    // replaced when the browser's zone has changed since (travel, a new laptop).
    var match = /(?:^|; )tz=([^;]*)/.exec(document.cookie);
    var cookieZone = match ? decodeURIComponent(match[1]) : null;
    var picked = /(?:^|; )tz-picked=1/.test(document.cookie);
    var stale = cookieZone !== zone && !picked;
    if (stale) {
        document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }

    // A page shown in a guessed or stale zone is shown again in the detected zone, once.
    document.addEventListener("DOMContentLoaded", function () {
        var body = document.body;
        if (stale && (body.dataset.zoneSource === "Default" || body.dataset.zoneSource === "Browser") && body.dataset.zone !== zone
            && !sessionStorage.getItem("tz-reloaded")) {
            sessionStorage.setItem("tz-reloaded", "1");
            location.reload();
        }
    });

    // A page answered to a form post (a refusal shown in place) names its own address: the
    // address bar and the back button then hold a normal page, not the form's action.
    document.addEventListener("DOMContentLoaded", function () {
        var url = document.body.dataset.pageUrl;
        if (url && url !== location.pathname + location.search) history.replaceState(null, "", url);
    });

    function fillZones(root) {
        root.querySelectorAll("input[data-detect-zone]").forEach(function (input) {
            if (!input.value) input.value = zone;
        });
    }
    document.addEventListener("DOMContentLoaded", function () { fillZones(document); });
    document.addEventListener("htmx:load", function (evt) { fillZones(evt.target); });
})();
