import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Naming, nameRules, physicalName, shortHash, type NameKind } from "./names";

const kinds = Object.keys(nameRules) as NameKind[];
const kind = fc.constantFrom(...kinds);
/** Parts as config and code produce them: a lowercase letter, then letters, digits and single hyphens. */
const semanticPart = fc.stringMatching(/^[a-z][a-z0-9]{0,12}(-[a-z0-9]{1,12}){0,4}$/);
/** At least two parts (every stage name has a prefix and a stage), so even S3's 3-character minimum is met. */
const semanticParts = fc.array(semanticPart, { minLength: 2, maxLength: 6 });
/** A long part of any length up to 600 (lengths drawn uniformly, so long ones are common). */
const longPart = fc.integer({ min: 0, max: 600 }).chain((length) =>
  fc
    .string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split("")),
      minLength: length,
      maxLength: length,
    })
    .map((rest) => `l${rest}`),
);
/** Anything at all, unicode and separators included. */
const anyParts = fc.array(fc.string({ unit: "grapheme", maxLength: 80 }), { minLength: 1, maxLength: 6 });

function satisfiesRule(name: string, ruleKind: NameKind): void {
  expect(name.length).toBeLessThanOrEqual(nameRules[ruleKind].maxLength);
  expect(name).toMatch(nameRules[ruleKind].pattern);
}

describe("physicalName (property-based)", () => {
  it("turns semantic parts of any length and number into a valid name of every kind: within the limit, allowed characters only", () => {
    fc.assert(
      fc.property(kind, semanticParts, (ruleKind, parts) => {
        satisfiesRule(physicalName(ruleKind, ...parts), ruleKind);
      }),
    );
  });

  it("is deterministic, keeps a name that fits as the joined parts, and cuts one that does not with a hash of the whole", () => {
    fc.assert(
      fc.property(kind, semanticParts, (ruleKind, parts) => {
        const name = physicalName(ruleKind, ...parts);
        expect(physicalName(ruleKind, ...parts)).toBe(name);
        const rule = nameRules[ruleKind];
        const cleaned = ruleKind === "glueDatabase" ? parts.map((part) => part.replace(/-/g, "_")) : parts;
        const full = cleaned.join(rule.separator);
        if (full.length <= rule.maxLength) expect(name).toBe(full);
        else expect(name.endsWith(shortHash(full))).toBe(true);
      }),
    );
  });

  it("never gives two different stage names the same physical name", () => {
    fc.assert(
      fc.property(kind, semanticParts, semanticParts, (ruleKind, a, b) => {
        const separator = nameRules[ruleKind].separator;
        const joined = (parts: string[]) =>
          (ruleKind === "glueDatabase" ? parts.map((part) => part.replace(/-/g, "_")) : parts).join(separator);
        fc.pre(joined(a) !== joined(b));
        expect(physicalName(ruleKind, ...a)).not.toBe(physicalName(ruleKind, ...b));
      }),
    );
  });

  it("either returns a valid name or refuses with an error naming the kind, whatever the input", () => {
    fc.assert(
      fc.property(kind, anyParts, (ruleKind, parts) => {
        let name: string | undefined;
        try {
          name = physicalName(ruleKind, ...parts);
        } catch (error) {
          expect((error as Error).message).toMatch(new RegExp(`^physicalName\\(${ruleKind}\\): `));
          return;
        }
        satisfiesRule(name, ruleKind);
      }),
    );
  });

  it("keeps stage names (Naming) inside the service limits, log groups' leading slash included (CloudWatch: 512)", () => {
    fc.assert(
      fc.property(
        kind,
        semanticPart,
        semanticPart,
        fc.array(fc.oneof(semanticPart, longPart), { minLength: 1, maxLength: 6 }),
        (ruleKind, prefix, stage, parts) => {
          const name = new Naming(prefix, stage).name(ruleKind, ...parts);
          if (ruleKind === "logGroup") {
            expect(name).toMatch(/^\/[^/]/);
            expect(name.length).toBeLessThanOrEqual(512);
            expect(name).toMatch(/^[A-Za-z0-9_./#-]{1,512}$/);
          } else satisfiesRule(name, ruleKind);
        },
      ),
    );
  });
});
