import { describe, expect, it } from "vitest";
import { shellCommands, withoutAssignments } from "./shell";

describe("shellCommands", () => {
  it("splits commands and words, removing quotes and redirections", () => {
    expect(
      shellCommands(`npm ci --no-audit && npx nx affected -t lint test --base="$NX_BASE" > out.txt 2>&1 || status=$?
echo "$status" > "$RUNNER_TEMP/x" # comment
npx tsx packages/ci-workflows/src/bin/combine-plan-comment.ts --dir "$RUNNER_TEMP/plan" \\
  --out 'a b'`),
    ).toEqual([
      ["npm", "ci", "--no-audit"],
      ["npx", "nx", "affected", "-t", "lint", "test", "--base=$NX_BASE"],
      ["status=$?"],
      [
        "npx",
        "tsx",
        "packages/ci-workflows/src/bin/combine-plan-comment.ts",
        "--dir",
        "$RUNNER_TEMP/plan",
        "--out",
        "a b",
      ],
    ]);
  });

  it("drops shell keywords and loop headers, and reads command substitutions", () => {
    expect(
      shellCommands(`for stage in $STAGES; do
  npm run --silent plan -- --stack "$stage"
done
if [ -n "$X" ] && git cat-file -e "$X"; then npm test; else npx nx run-many -t lint; fi
code="$(cat "$DIR/x")"
other=$(npx nx show projects)`),
    ).toEqual([
      ["npm", "run", "--silent", "plan", "--", "--stack", "$stage"],
      ["git", "cat-file", "-e", "$X"],
      ["npm", "test"],
      ["npx", "nx", "run-many", "-t", "lint"],
      // Inside double quotes a substitution stays part of the word.
      ["code=$(cat $DIR/x)"],
      ["other="],
      ["npx", "nx", "show", "projects"],
    ]);
    expect(withoutAssignments(["A=1", "B=2", "npm", "test"])).toEqual(["npm", "test"]);
  });
});
