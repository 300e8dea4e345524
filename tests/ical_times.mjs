// Read .ics files the way Thunderbird does (ical.js) and print, as JSON,
// each VEVENT's UID, summary, start and end:
//   {"<path>": [{"uid", "summary", "start", "end", "startIsDate", "endIsDate"}]}
// Dates print as YYYY-MM-DD, times as UTC instants (YYYY-MM-DDTHH:MM:SSZ);
// a time with neither Z nor a TZID defined in the file prints as its wall
// clock with "floating": true, since each reader would place it differently.
// ical.js resolves a TZID from the file's own VTIMEZONE blocks, as Thunderbird does.
// Usage: node tests/ical_times.mjs file.ics [more.ics ...]
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function instant(time) {
  if (time.isDate) {
    return { value: time.toString(), isDate: true, floating: false };
  }
  const floating = time.zone === ICAL.Timezone.localTimezone || !time.zone;
  if (floating) {
    return { value: time.toString(), isDate: false, floating: true };
  }
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  return { value: new Date(utc.toUnixTime() * 1000).toISOString().replace(".000Z", "Z"),
           isDate: false, floating: false };
}

const result = {};
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  result[path] = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const start = instant(event.startDate);
    const end = instant(event.endDate);
    return {
      uid: event.uid,
      summary: event.summary,
      start: start.value,
      end: end.value,
      startIsDate: start.isDate,
      endIsDate: end.isDate,
      floating: start.floating || end.floating,
    };
  });
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
