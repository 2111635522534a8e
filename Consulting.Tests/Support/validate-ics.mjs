// Validates one iCalendar object with Mozilla's ical.js, for the C# tests (Support/IcsValidator.cs).
//
//   node validate-ics.mjs < invite.ics
//
// Reads the .ics text from stdin, parses it, walks every component and property, and prints a JSON
// summary on stdout (method, calendar name, time zones, and each VEVENT with its start/end as UTC
// ISO strings). Any problem: the message on stderr and exit code 1.
//
// ical.js is lenient where calendar apps are not, so this script adds the checks it skips:
// - it rolls out-of-range dates forward silently (20261131 becomes 1 December), so every DATE and
//   DATE-TIME value is range-checked as written;
// - it treats a TZID without a matching VTIMEZONE, and a time with neither TZID nor Z, as floating
//   (read in the machine's zone), so both are errors here;
// - RFC 5545 wants CRLF line endings and lines folded at 75 octets.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

class IcsError extends Error {}

function fail(message) {
  throw new IcsError(message);
}

function checkLines(text) {
  if (text.length === 0) fail("The input is empty.");
  if (!text.endsWith("\r\n")) fail("The last line does not end with CRLF.");
  const lines = text.split("\r\n");
  lines.pop(); // after the final CRLF
  lines.forEach((line, index) => {
    if (line.includes("\n") || line.includes("\r")) fail(`Line ${index + 1} has a bare LF or CR (RFC 5545 lines end with CRLF).`);
    const octets = Buffer.byteLength(line, "utf8");
    if (octets > 75) fail(`Line ${index + 1} is ${octets} octets long; lines longer than 75 octets must be folded: ${line}`);
    if (line.length === 0) fail(`Line ${index + 1} is empty.`);
  });
  // ical.js doesn't check that END names the component BEGIN opened.
  const open = [];
  lines.forEach((line, index) => {
    const m = /^(BEGIN|END):(.*)$/i.exec(line);
    if (!m) return;
    const name = m[2].toUpperCase();
    if (m[1].toUpperCase() === "BEGIN") open.push(name);
    else if (open.pop() !== name) fail(`Line ${index + 1}: END:${name} does not close the component that is open.`);
  });
  if (open.length > 0) fail(`BEGIN:${open.pop()} is never closed.`);
}

function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// jCal keeps the written digits ("2026-11-02T09:00:00"); check them before ICAL.Time normalises.
function checkDateText(text, where) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z)?)?$/.exec(text);
  if (!m) fail(`${where}: '${text}' is not a DATE or DATE-TIME.`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) fail(`${where}: month ${month} is out of range in '${text}'.`);
  if (day < 1 || day > daysInMonth(year, month)) fail(`${where}: day ${day} does not exist in ${m[1]}-${m[2]} ('${text}').`);
  if (m[4] !== undefined) {
    const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
    // RFC 5545 allows second 60 only for a leap second.
    if (hour > 23 || minute > 59 || second > 60) fail(`${where}: time ${m[4]}:${m[5]}:${m[6]} is out of range in '${text}'.`);
  }
}

function checkProperty(property, path, timezoneIds) {
  const name = property.name.toUpperCase();
  const where = `${path} ${name}`;
  const type = property.type;
  // Reading every value makes ical.js decode it (dates, durations, recurrence rules, offsets …).
  const values = property.getValues();
  property.toJSON();
  for (const value of values) {
    if (value === null || value === undefined) fail(`${where} has no value.`);
    if (typeof value === "object" && typeof value.toString === "function") value.toString();
  }
  if (type === "date" || type === "date-time") {
    const raw = property.toJSON().slice(3);
    for (const text of raw) checkDateText(String(text), where);
  }
  if (type === "period") {
    for (const period of property.toJSON().slice(3)) {
      for (const part of [].concat(period)) {
        if (/^\d{4}-/.test(String(part))) checkDateText(String(part), where);
      }
    }
  }
  const tzid = property.getParameter("tzid");
  if (tzid !== undefined && tzid !== null && !timezoneIds.has(tzid)) {
    fail(`${where} uses TZID=${tzid}, but the calendar has no VTIMEZONE with that TZID.`);
  }
}

function walk(component, path, timezoneIds) {
  const here = path ? `${path} > ${component.name.toUpperCase()}` : component.name.toUpperCase();
  for (const property of component.getAllProperties()) checkProperty(property, here, timezoneIds);
  for (const child of component.getAllSubcomponents()) walk(child, here, timezoneIds);
}

function requireProperty(component, name, where) {
  const property = component.getFirstProperty(name);
  if (!property) fail(`${where} has no ${name.toUpperCase()}.`);
  return property;
}

function checkTimezone(vtimezone) {
  const tzid = requireProperty(vtimezone, "tzid", "A VTIMEZONE").getFirstValue();
  const observances = [...vtimezone.getAllSubcomponents("standard"), ...vtimezone.getAllSubcomponents("daylight")];
  if (observances.length === 0) fail(`VTIMEZONE ${tzid} has neither STANDARD nor DAYLIGHT.`);
  for (const o of observances) {
    for (const name of ["dtstart", "tzoffsetfrom", "tzoffsetto"]) requireProperty(o, name, `VTIMEZONE ${tzid} ${o.name.toUpperCase()}`);
  }
  return tzid;
}

// A zoned or UTC instant; floating times would be read in this machine's zone, so they're refused.
function instant(event, name, uid) {
  const property = event.getFirstProperty(name);
  if (!property) return null;
  const time = property.getFirstValue();
  if (time.isDate) fail(`VEVENT ${uid}: ${name.toUpperCase()} is a DATE; sessions have times.`);
  const raw = String(property.toJSON()[3]);
  const zoned = raw.endsWith("Z") || property.getParameter("tzid");
  if (!zoned) fail(`VEVENT ${uid}: ${name.toUpperCase()} '${raw}' is floating (neither UTC nor TZID).`);
  return time;
}

function textOf(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
}

// ical.js leaves the values of properties it doesn't know (X-WR-CALNAME) as written: undo TEXT escapes.
function unescapeText(text) {
  return text === null ? null : text.replace(/\\([\\;,nN])/g, (_, c) => (c === "n" || c === "N" ? "\n" : c));
}

function party(property) {
  return {
    value: String(property.getFirstValue()),
    cn: property.getParameter("cn") ?? null,
    rsvp: property.getParameter("rsvp") ?? null,
    partstat: property.getParameter("partstat") ?? null,
    role: property.getParameter("role") ?? null,
  };
}

function summarise(text) {
  checkLines(text);
  let jcal;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    fail(`ical.js could not parse it: ${e.message}`);
  }
  if (!Array.isArray(jcal) || typeof jcal[0] !== "string") fail("Expected exactly one VCALENDAR.");
  const calendar = new ICAL.Component(jcal);
  if (calendar.name !== "vcalendar") fail(`The top component is ${calendar.name.toUpperCase()}, not VCALENDAR.`);
  if (textOf(calendar, "version") !== "2.0") fail("VERSION must be 2.0.");
  requireProperty(calendar, "prodid", "The VCALENDAR");

  const timezoneIds = new Set();
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = checkTimezone(vtimezone);
    if (timezoneIds.has(tzid)) fail(`VTIMEZONE ${tzid} appears twice.`);
    timezoneIds.add(tzid);
    ICAL.TimezoneService.register(vtimezone);
  }

  walk(calendar, "", timezoneIds);

  const method = textOf(calendar, "method");
  const events = calendar.getAllSubcomponents("vevent").map((event) => {
    const uid = String(requireProperty(event, "uid", "A VEVENT").getFirstValue());
    requireProperty(event, "dtstamp", `VEVENT ${uid}`);
    requireProperty(event, "dtstart", `VEVENT ${uid}`);
    const start = instant(event, "dtstart", uid);
    const end = instant(event, "dtend", uid);
    if (end && end.compare(start) <= 0) fail(`VEVENT ${uid}: DTEND is not after DTSTART.`);
    if (end && event.getFirstProperty("duration")) fail(`VEVENT ${uid} has both DTEND and DURATION.`);
    const sequence = event.getFirstPropertyValue("sequence");
    if (sequence !== null && (!Number.isInteger(sequence) || sequence < 0)) fail(`VEVENT ${uid}: SEQUENCE must be a non-negative integer.`);
    const organizer = event.getFirstProperty("organizer");
    if (method === "REQUEST" || method === "CANCEL") {
      if (!organizer) fail(`VEVENT ${uid}: METHOD:${method} needs an ORGANIZER.`);
      if (event.getAllProperties("attendee").length === 0) fail(`VEVENT ${uid}: METHOD:${method} needs an ATTENDEE.`);
    }
    return {
      uid,
      sequence: sequence ?? 0,
      status: textOf(event, "status"),
      summary: textOf(event, "summary"),
      description: textOf(event, "description"),
      location: textOf(event, "location"),
      url: textOf(event, "url"),
      transparency: textOf(event, "transp"),
      start: start.toJSDate().toISOString(),
      end: end ? end.toJSDate().toISOString() : null,
      startTzid: event.getFirstProperty("dtstart").getParameter("tzid") ?? null,
      stamp: event.getFirstPropertyValue("dtstamp").toJSDate().toISOString(),
      organizer: organizer ? party(organizer) : null,
      attendees: event.getAllProperties("attendee").map(party),
    };
  });

  const uids = new Set();
  for (const e of events) {
    if (uids.has(e.uid)) fail(`UID ${e.uid} appears in two VEVENTs.`);
    uids.add(e.uid);
  }

  return {
    method,
    prodId: textOf(calendar, "prodid"),
    calendarName: unescapeText(textOf(calendar, "x-wr-calname")),
    timeZones: [...timezoneIds],
    events,
  };
}

try {
  const text = readFileSync(0, "utf8");
  process.stdout.write(JSON.stringify(summarise(text)));
} catch (e) {
  process.stderr.write(e instanceof IcsError ? e.message : `${e?.stack ?? e}`);
  process.exit(1);
}
