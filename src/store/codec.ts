// Values are stored as JSON; Dates survive the round trip (the API model uses Date for every timestamp).

const DATE_TAG = '$date';

export function encodeValue(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_TAG]: raw.getTime() } : v;
  });
}

export function decodeValue<T>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (v !== null && typeof v === 'object' && DATE_TAG in v && Object.keys(v).length === 1) {
      return new Date((v as Record<string, number>)[DATE_TAG]!);
    }
    return v;
  }) as T;
}
