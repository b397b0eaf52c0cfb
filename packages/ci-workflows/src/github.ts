import { commentLimit, fitComment, planCommentMarker, withSingleMarker } from "./plan-comment";

/** The part of a fetch Response the client reads. */
export interface HttpResponse {
  ok: boolean;
  status: number;
  statusText?: string;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** The part of `fetch` the client uses (tests pass a fake). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<HttpResponse>;

export interface GitHubOptions {
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** Defaults to https://api.github.com (GITHUB_API_URL on GitHub Enterprise). */
  apiUrl?: string;
  fetch?: FetchLike;
}

export interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
  html_url?: string;
}

export interface PullRequest {
  number: number;
  state: string;
  head: { sha: string };
}

export class GitHubApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    detail: string,
  ) {
    super(`GitHub API ${method} ${path} failed: ${status} ${detail}`.trim());
  }
}

const pageSize = 100;

/** A minimal GitHub REST client for issue comments and pull requests. */
export class GitHub {
  private readonly token: string;
  private readonly apiUrl: string;
  private readonly fetch: FetchLike;
  readonly repository: string;

  constructor(options: GitHubOptions) {
    if (!options.token) throw new Error("a GitHub token is required (GITHUB_TOKEN)");
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repository))
      throw new Error(`"${options.repository}" is not owner/repo`);
    this.token = options.token;
    this.repository = options.repository;
    this.apiUrl = (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${this.token}`,
        "x-github-api-version": "2022-11-28",
        "user-agent": "data-platform-ci",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      let detail = response.statusText ?? "";
      try {
        const text = await response.text();
        const parsed = JSON.parse(text) as { message?: string };
        detail = parsed.message ?? text;
      } catch {
        // keep the status text
      }
      throw new GitHubApiError(method, path, response.status, detail);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** Every comment of an issue or pull request, following pages. */
  async listIssueComments(issue: number): Promise<IssueComment[]> {
    const comments: IssueComment[] = [];
    for (let page = 1; ; page++) {
      const batch = await this.request<IssueComment[]>(
        "GET",
        `/repos/${this.repository}/issues/${issue}/comments?per_page=${pageSize}&page=${page}`,
      );
      if (!Array.isArray(batch)) throw new Error(`unexpected answer listing comments of #${issue}`);
      comments.push(...batch);
      if (batch.length < pageSize) return comments;
    }
  }

  createIssueComment(issue: number, body: string): Promise<IssueComment> {
    return this.request("POST", `/repos/${this.repository}/issues/${issue}/comments`, { body });
  }

  updateIssueComment(id: number, body: string): Promise<IssueComment> {
    return this.request("PATCH", `/repos/${this.repository}/issues/comments/${id}`, { body });
  }

  deleteIssueComment(id: number): Promise<void> {
    return this.request("DELETE", `/repos/${this.repository}/issues/comments/${id}`);
  }

  getPullRequest(number: number): Promise<PullRequest> {
    return this.request("GET", `/repos/${this.repository}/pulls/${number}`);
  }
}

/** The account GITHUB_TOKEN comments as. */
export const actionsBot = "github-actions[bot]";

export interface StickyResult {
  action: "created" | "updated" | "unchanged";
  id: number;
  /** Older duplicates (same marker, same author) that were deleted. */
  removed: number[];
}

/**
 * Creates or updates the one comment carrying `marker`, written by `author`
 * (comments by anybody else are never touched, even with the marker). Older
 * duplicates by the same author are removed, so there is always exactly one.
 */
export async function upsertStickyComment(
  github: GitHub,
  options: { issue: number; body: string; marker?: string; author?: string },
): Promise<StickyResult> {
  const marker = options.marker ?? planCommentMarker;
  const author = options.author ?? actionsBot;
  if (!options.body.includes(marker))
    throw new Error("the comment body must contain the marker, or the next run could not find it");
  const ours = (await github.listIssueComments(options.issue)).filter(
    (comment) => comment.user?.login === author && (comment.body ?? "").includes(marker),
  );
  if (ours.length === 0) {
    const created = await github.createIssueComment(options.issue, options.body);
    return { action: "created", id: created.id, removed: [] };
  }
  const [keep, ...duplicates] = ours as [IssueComment, ...IssueComment[]];
  for (const duplicate of duplicates) await github.deleteIssueComment(duplicate.id);
  const removed = duplicates.map((duplicate) => duplicate.id);
  if (keep.body === options.body) return { action: "unchanged", id: keep.id, removed };
  await github.updateIssueComment(keep.id, options.body);
  return { action: "updated", id: keep.id, removed };
}

export type PlanCommentResult = StickyResult | { action: "skipped"; reason: string };

/**
 * Posts the combined offline plan on a pull request. The body and the number come
 * from another run's artifact, so neither is trusted: the number must be a pull
 * request that is open and whose head is the commit the plans ran on (a newer push
 * has its own run; an older run finishing late must not overwrite it), and the body
 * gets exactly one marker and GitHub's size limit.
 */
export async function postPlanComment(
  github: GitHub,
  options: { pullRequest: string | number; headSha: string; body: string; author?: string },
): Promise<PlanCommentResult> {
  const text = String(options.pullRequest).trim();
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new Error(`"${text.slice(0, 40)}" is not a pull request number`);
  if (!/^[0-9a-f]{40}$/.test(options.headSha)) throw new Error(`"${options.headSha.slice(0, 60)}" is not a commit SHA`);
  const number = Number(text);
  const pull = await github.getPullRequest(number);
  if (pull.state !== "open") return { action: "skipped", reason: `pull request #${number} is ${pull.state}` };
  if (pull.head.sha !== options.headSha) {
    return {
      action: "skipped",
      reason: `pull request #${number} is now at ${pull.head.sha.slice(0, 12)}; this plan is for ${options.headSha.slice(0, 12)} (its own run will comment)`,
    };
  }
  const body = withSingleMarker(fitComment(options.body, commentLimit - planCommentMarker.length - 1));
  return upsertStickyComment(github, { issue: number, body, author: options.author });
}
