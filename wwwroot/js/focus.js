// Focus and announcements after htmx swaps, for every fragment at once (no page needs its own code).
// After a swap: the first invalid field if the fragment has one; else the control that was used, found
// again in the new content (same id, same name and value, same rel, or same text); else the new
// region's heading. The region's heading (or its data-announce text) is spoken through one polite
// live region, so a keyboard user whose focus stayed put still hears what changed.
(function () {
    "use strict";

    function liveRegion() {
        var region = document.getElementById("live-announcer");
        if (!region) {
            region = document.createElement("div");
            region.id = "live-announcer";
            region.className = "visually-hidden";
            region.setAttribute("aria-live", "polite");
            region.setAttribute("aria-atomic", "true");
            document.body.appendChild(region);
        }
        return region;
    }

    function text(el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); }

    function describe(el) {
        if (!el || el === document.body) return null;
        var item = el.closest("[data-slot-id]");
        return {
            id: el.id, tag: el.tagName, name: el.getAttribute("name"), value: el.getAttribute("value"), rel: el.getAttribute("rel"),
            label: el.getAttribute("aria-label"), text: text(el), slot: item ? item.getAttribute("data-slot-id") : null
        };
    }

    // Rendered (not inside a closed <details> or display:none): focus() on anything else is lost.
    function shown(el) { return el.getClientRects().length > 0; }

    function findAgain(root, was) {
        if (!was) return null;
        if (was.id) { var byId = document.getElementById(was.id); if (byId && root.contains(byId) && shown(byId)) return byId; }
        var candidates = Array.prototype.filter.call(root.querySelectorAll(was.tag.toLowerCase()), shown);
        for (var i = 0; i < candidates.length; i++) {
            var c = candidates[i];
            if (was.name && c.getAttribute("name") === was.name && c.getAttribute("value") === was.value) return c;
            if (was.rel && c.getAttribute("rel") === was.rel) return c;
        }
        // The same item (a calendar slot) in its new state: its first control, "Unblock" after "Block".
        if (was.slot) {
            var item = root.querySelector('[data-slot-id="' + was.slot + '"]');
            var control = item && Array.prototype.filter.call(item.querySelectorAll("button, summary, a[href]"), shown)[0];
            if (control) return control;
        }
        // Same words, and the same label where it had one ("Remove 09:00–12:00 on Monday" is gone once removed).
        for (var j = 0; j < candidates.length; j++)
            if (was.text && text(candidates[j]) === was.text && candidates[j].getAttribute("aria-label") === was.label) return candidates[j];
        return null;
    }

    function focus(el) {
        if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) el.setAttribute("tabindex", "-1");
        el.focus();
    }

    // Which control had the focus inside each region about to be replaced (other requests, like
    // the zone list a swapped week loads, may start and end in between).
    var lost = new WeakMap();

    document.addEventListener("htmx:beforeSwap", function (evt) {
        var target = evt.detail.target;
        if (target && target.contains(document.activeElement)) lost.set(target, describe(document.activeElement));
    });

    // A field's message swapped in out of band (the /find filters keep what is typed in them, so the
    // fields themselves aren't re-rendered): the field's invalid state follows its "<id>-error" message.
    document.addEventListener("htmx:afterSettle", function (evt) {
        var message = evt.target;
        if (!message.id || !/-error$/.test(message.id) || !message.classList.contains("field-error")) return;
        var field = document.getElementById(message.id.slice(0, -"-error".length));
        if (!field || !field.matches("input, select, textarea")) return;
        var invalid = text(message) !== "";
        field.classList.toggle("input-validation-error", invalid);
        var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) { return id && id !== message.id; });
        if (invalid) { field.setAttribute("aria-invalid", "true"); described.push(message.id); }
        else field.removeAttribute("aria-invalid");
        if (described.length) field.setAttribute("aria-describedby", described.join(" "));
        else field.removeAttribute("aria-describedby");
    });

    document.addEventListener("htmx:afterSettle", function (evt) {
        // htmx settles each new element: the target's new content (under the target's id when swapped
        // outerHTML) and any out-of-band pieces. Only the target's content moves the focus or speaks.
        var settled = evt.target;
        var target = evt.detail.target;
        if (!target) return;
        var isTarget = settled === target || (settled.id && settled.id === target.id) || (target.isConnected && target.contains(settled));
        if (!isTarget) return;
        var root = settled.isConnected && settled.id === target.id ? settled : (target.isConnected ? target : null);
        if (!root || root === document.body) return;
        // Polled fragments (the notification badge, job lists) change under the user: never move focus for them.
        var poller = "[hx-trigger*='every']";
        if (root.closest(poller) || (evt.detail.elt && evt.detail.elt.closest && evt.detail.elt.closest(poller))) return;

        var heading = root.matches("h1, h2, h3") ? root : root.querySelector("h1, h2, h3");
        var announce = root.getAttribute("data-announce") || (heading ? text(heading) : "");
        var invalid = root.querySelector("[aria-invalid=true]");
        var was = target ? lost.get(target) : undefined;
        if (target) lost.delete(target);
        var active = document.activeElement;
        if (invalid) {
            focus(invalid);
        } else if (was !== undefined && (!active || active === document.body || !active.isConnected)) {
            focus(findAgain(root, was) || heading || root);
        }
        if (announce) {
            var region = liveRegion();
            region.textContent = "";
            // A fresh text node on the next frame makes screen readers speak it even when unchanged.
            requestAnimationFrame(function () { region.textContent = announce; });
        }
    });
})();
