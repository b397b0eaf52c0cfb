/**
 * Where Rivers lands events in the lake's landing zone. The Flink job writes this
 * layout and the Importer collects from it, so both read it from here (through the
 * job's runtime properties and the import job definitions).
 */

/** Landing prefix of every event source. */
export const eventsRoot = "events/";

/**
 * Directory layout of landed events (UTC): `{source}` and `{event}` are names,
 * `{yyyy-MM-dd}` and `{HH}` are java.time patterns of the event hour.
 */
export const landingLayout = "events/{source}/{event}/dt={yyyy-MM-dd}/hh={HH}/";

/** File format of landed events. */
export const landingFormat = "avro";

/** The landing prefix one source may write (`events/<source>/`). */
export function sourcePrefix(source: string): string {
  return `${eventsRoot}${source}/`;
}

/**
 * The landing directory of one event type (`events/<source>/<event>/`).
 * @internal Exported for its tests only; not part of the package's API.
 */
export function eventPrefix(source: string, event: string): string {
  return `${sourcePrefix(source)}${event}/`;
}

/**
 * The landing directory of one hour of one event type.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function eventHourPrefix(source: string, event: string, hour: Date): string {
  const iso = hour.toISOString();
  return `${eventPrefix(source, event)}dt=${iso.slice(0, 10)}/hh=${iso.slice(11, 13)}/`;
}
