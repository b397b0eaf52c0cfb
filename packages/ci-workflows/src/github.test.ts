import { describe, expect, it } from "vitest";
import {
  GitHub,
  GitHubApiError,
  postPlanComment,
  upsertStickyComment,
  type FetchLike,
  type IssueComment,
} from "./github";
import { commentLimit, planCommentMarker } from "./plan-comment";

const head = "a".repeat(40);
const bot = { login: "github-actions[bot]", type: "Bot" };
const human = { login: "alice", type: "User" };

interface Call {
  method: string;
  path: string;
  body?: { body: string };
  headers: Record<string, string>;
}

/** A fake GitHub: issue #7's comments and pull request #7, recording every call. */
function fakeGitHub(
  options: {
    comments?: IssueComment[];
    pull?: { state: string; sha: string };
    fail?: { method: string; status: number; message: string };
  } = {},
) {
  const comments = [...(options.comments ?? [])];
  const calls: Call[] = [];
  let nextId = 1000;
  const fetch: FetchLike = async (url, init) => {
    const { pathname, search } = new URL(url);
    const call: Call = {
      method: init.method,
      path: pathname + search,
      headers: init.headers,
      body: init.body ? (JSON.parse(init.body) as { body: string }) : undefined,
    };
    calls.push(call);
    const reply = (status: number, value?: unknown) => ({
      ok: status < 300,
      status,
      json: async () => value,
      text: async () => JSON.stringify(value ?? {}),
    });
    if (options.fail && options.fail.method === init.method)
      return reply(options.fail.status, { message: options.fail.message });
    let match: RegExpExecArray | null;
    if (
      init.method === "GET" &&
      (match = /^\/repos\/acme\/platform\/issues\/7\/comments\?per_page=100&page=(\d+)$/.exec(call.path))
    ) {
      const page = Number(match[1]);
      return reply(200, comments.slice((page - 1) * 100, page * 100));
    }
    if (init.method === "GET" && call.path === "/repos/acme/platform/pulls/7")
      return reply(200, { number: 7, state: options.pull?.state ?? "open", head: { sha: options.pull?.sha ?? head } });
    if (init.method === "POST" && call.path === "/repos/acme/platform/issues/7/comments") {
      const created = { id: nextId++, body: call.body!.body, user: bot };
      comments.push(created);
      return reply(201, created);
    }
    if ((match = /^\/repos\/acme\/platform\/issues\/comments\/(\d+)$/.exec(call.path))) {
      const index = comments.findIndex((comment) => comment.id === Number(match![1]));
      if (index < 0) return reply(404, { message: "Not Found" });
      if (init.method === "PATCH") {
        comments[index] = { ...comments[index]!, body: call.body!.body };
        return reply(200, comments[index]);
      }
      if (init.method === "DELETE") {
        comments.splice(index, 1);
        return reply(204);
      }
    }
    return reply(404, { message: `unexpected ${init.method} ${call.path}` });
  };
  const github = new GitHub({ token: "t0ken", repository: "acme/platform", fetch });
  return {
    github,
    calls,
    comments,
    writes: () => calls.filter((call) => call.method !== "GET").map((call) => `${call.method} ${call.path}`),
  };
}

const body = `${planCommentMarker}\n## Offline plan\n\nnew`;

describe("upsertStickyComment", () => {
  it("creates the comment when there is none, with the REST headers and the token", async () => {
    const fake = fakeGitHub({ comments: [{ id: 1, body: "LGTM", user: human }] });
    expect(await upsertStickyComment(fake.github, { issue: 7, body })).toEqual({
      action: "created",
      id: 1000,
      removed: [],
    });
    expect(fake.writes()).toEqual(["POST /repos/acme/platform/issues/7/comments"]);
    expect(fake.calls[0]!.headers).toMatchObject({
      accept: "application/vnd.github+json",
      authorization: "Bearer t0ken",
      "x-github-api-version": "2022-11-28",
    });
    expect(fake.comments.at(-1)!.body).toBe(body);
  });

  it("updates its own marked comment instead of adding another", async () => {
    const fake = fakeGitHub({
      comments: [
        { id: 1, body: "LGTM", user: human },
        { id: 2, body: `${planCommentMarker}\nold`, user: bot },
      ],
    });
    expect(await upsertStickyComment(fake.github, { issue: 7, body })).toEqual({
      action: "updated",
      id: 2,
      removed: [],
    });
    expect(fake.writes()).toEqual(["PATCH /repos/acme/platform/issues/comments/2"]);
    expect(fake.comments.map((comment) => comment.body)).toEqual(["LGTM", body]);
    // Run again: still one comment, nothing to write.
    expect(await upsertStickyComment(fake.github, { issue: 7, body })).toEqual({
      action: "unchanged",
      id: 2,
      removed: [],
    });
    expect(fake.writes()).toEqual(["PATCH /repos/acme/platform/issues/comments/2"]);
  });

  it("never touches somebody else's comment that quotes the marker", async () => {
    const fake = fakeGitHub({ comments: [{ id: 3, body: `quoting ${planCommentMarker}`, user: human }] });
    expect((await upsertStickyComment(fake.github, { issue: 7, body })).action).toBe("created");
    expect(fake.writes()).toEqual(["POST /repos/acme/platform/issues/7/comments"]);
  });

  it("finds its comment past the first page and removes older duplicates", async () => {
    const filler = Array.from({ length: 150 }, (_, index) => ({ id: index + 10, body: "chatter", user: human }));
    const fake = fakeGitHub({
      comments: [
        ...filler,
        { id: 500, body: `${planCommentMarker}\nA`, user: bot },
        { id: 501, body: `${planCommentMarker}\nB`, user: bot },
      ],
    });
    expect(await upsertStickyComment(fake.github, { issue: 7, body })).toEqual({
      action: "updated",
      id: 500,
      removed: [501],
    });
    expect(fake.calls.filter((call) => call.method === "GET").map((call) => call.path)).toEqual([
      "/repos/acme/platform/issues/7/comments?per_page=100&page=1",
      "/repos/acme/platform/issues/7/comments?per_page=100&page=2",
    ]);
    expect(fake.writes()).toEqual([
      "DELETE /repos/acme/platform/issues/comments/501",
      "PATCH /repos/acme/platform/issues/comments/500",
    ]);
  });

  it("refuses a body without the marker (the next run could not find it)", async () => {
    await expect(upsertStickyComment(fakeGitHub().github, { issue: 7, body: "no marker" })).rejects.toThrow(
      /must contain the marker/,
    );
  });

  it("reports API errors with the status and GitHub's message", async () => {
    const fake = fakeGitHub({
      fail: { method: "POST", status: 403, message: "Resource not accessible by integration" },
    });
    const error = await upsertStickyComment(fake.github, { issue: 7, body }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toBe(
      "GitHub API POST /repos/acme/platform/issues/7/comments failed: 403 Resource not accessible by integration",
    );
  });
});

describe("postPlanComment", () => {
  it("posts for an open pull request whose head is the planned commit, with the marker once", async () => {
    const fake = fakeGitHub();
    const result = await postPlanComment(fake.github, {
      pullRequest: "7\n",
      headSha: head,
      body: `${planCommentMarker}\n${planCommentMarker}\nx`,
    });
    expect(result).toMatchObject({ action: "created" });
    const posted = fake.comments.at(-1)!.body!;
    expect(posted.split(planCommentMarker).length - 1).toBe(1);
    expect(posted.startsWith(planCommentMarker)).toBe(true);
  });

  it("skips a pull request that moved on or closed (an older run must not overwrite a newer plan)", async () => {
    const moved = fakeGitHub({ pull: { state: "open", sha: "b".repeat(40) } });
    expect(await postPlanComment(moved.github, { pullRequest: 7, headSha: head, body })).toEqual({
      action: "skipped",
      reason: "pull request #7 is now at bbbbbbbbbbbb; this plan is for aaaaaaaaaaaa (its own run will comment)",
    });
    const closed = fakeGitHub({ pull: { state: "closed", sha: head } });
    expect(await postPlanComment(closed.github, { pullRequest: 7, headSha: head, body })).toEqual({
      action: "skipped",
      reason: "pull request #7 is closed",
    });
    expect([...moved.writes(), ...closed.writes()]).toEqual([]);
  });

  it("rejects a pull request number or commit that is not one (they come from an untrusted artifact)", async () => {
    const fake = fakeGitHub();
    await expect(postPlanComment(fake.github, { pullRequest: "7; rm -rf /", headSha: head, body })).rejects.toThrow(
      /is not a pull request number/,
    );
    await expect(postPlanComment(fake.github, { pullRequest: "0", headSha: head, body })).rejects.toThrow(
      /is not a pull request number/,
    );
    await expect(postPlanComment(fake.github, { pullRequest: "7", headSha: "HEAD", body })).rejects.toThrow(
      /is not a commit SHA/,
    );
    expect(fake.calls).toEqual([]);
  });

  it("cuts an oversized body to GitHub's limit", async () => {
    const fake = fakeGitHub();
    const huge = `${planCommentMarker}\n${"row\n".repeat(40_000)}`;
    await postPlanComment(fake.github, { pullRequest: 7, headSha: head, body: huge });
    const posted = fake.comments.at(-1)!.body!;
    expect(posted.length).toBeLessThanOrEqual(commentLimit);
    expect(posted).toContain("This comment was cut to fit GitHub's size limit");
  });

  it("validates its configuration", () => {
    expect(() => new GitHub({ token: "", repository: "acme/platform" })).toThrow(/token is required/);
    expect(() => new GitHub({ token: "t", repository: "acme" })).toThrow(/is not owner\/repo/);
  });
});
