// The timetable pages: times in the reader's time zone (with a switch back to the event's),
// the filters applied as soon as they change, and a "now" line during the event.
// Served as a file by the bot: the pages' Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var main = document.getElementById("timetable");
  if (!main || !main.dataset.eventZone) { return; }
  var eventZone = main.dataset.eventZone;
  var readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || eventZone;
  var KEY = "session-scheduler-zone";

  function parts(date, zone) {
    var out = {};
    new Intl.DateTimeFormat(document.documentElement.lang || "en-GB", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }

  function show(mode) {
    var zone = mode === "event" ? eventZone : readerZone;
    document.querySelectorAll("h3.time").forEach(function (h) {
      var times = h.querySelectorAll("time");
      times.forEach(function (t) {
        var when = new Date(t.getAttribute("datetime"));
        var p = parts(when, zone), e = parts(when, eventZone);
        t.textContent = p.hour + ":" + p.minute;
        var day = t.nextElementSibling;
        if (day && day.classList.contains("reader-day")) { day.remove(); }
        if (t === times[0] && p.day !== e.day) {   // the reader's day differs from the event's
          var note = document.createElement("span");
          note.className = "reader-day";
          note.textContent = " (" + p.weekday + " " + p.day + ")";
          t.after(note);
        }
      });
    });
    var radio = document.querySelector('input[name="zone"][value="' + mode + '"]');
    if (radio) { radio.checked = true; }
  }

  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (err) { saved = null; }
  var mode = saved === "event" ? "event" : "reader";
  var swtch = document.getElementById("zone-switch");
  var label = document.getElementById("reader-zone");
  if (label) { label.textContent = readerZone; }
  if (swtch) {
    swtch.hidden = false;   // it says which zone the times are in: the note is for no script
    document.getElementById("zone-note").hidden = true;
    swtch.addEventListener("change", function (ev) {
      mode = ev.target.value === "event" ? "event" : "reader";
      try { window.localStorage.setItem(KEY, mode); } catch (err) { /* private mode */ }
      show(mode);
      nowLine();
    });
  }

  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.requestSubmit(); });
  });

  function nowLine() {
    document.querySelectorAll("li.now").forEach(function (n) { n.remove(); });
    document.querySelectorAll("li.slot.current").forEach(function (s) {
      s.classList.remove("current");
      s.removeAttribute("aria-current");
    });
    var now = new Date();
    document.querySelectorAll("ol.slots").forEach(function (list) {
      var slots = list.querySelectorAll("li.slot");
      if (!slots.length) { return; }
      var first = new Date(slots[0].dataset.start);
      var last = new Date(slots[slots.length - 1].dataset.end);
      if (now < first || now >= last) { return; }     // only during that day's sessions
      var before = null;
      slots.forEach(function (s) {
        var start = new Date(s.dataset.start), end = new Date(s.dataset.end);
        if (start <= now && now < end) {
          s.classList.add("current");
          s.setAttribute("aria-current", "time");
        }
        if (!before && start > now) { before = s; }
      });
      var p = parts(now, mode === "event" ? eventZone : readerZone);
      var line = document.createElement("li");
      line.className = "now";
      line.textContent = (main.dataset.now || "Now") + " " + p.hour + ":" + p.minute;
      list.insertBefore(line, before);
    });
  }

  show(mode);
  nowLine();
  window.setInterval(nowLine, 30000);
}());
